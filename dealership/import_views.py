"""The import pages of the after-sales manager (issue 18): choose what the file holds, download its template,
upload it, read the dry run's report, import (or import skipping the refused rows), and follow the progress.
The views are thin: dealership.imports checks and writes, in Celery tasks."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import get_scoped_or_404, role_required, scoped
from .imports.kinds import KINDS
from .imports.reading import max_bytes
from .imports.services import import_start, import_upload, previous_import
from .imports.workbook import template_xlsx
from .models import ImportRun, Role
from .views import run_form

PAGE_SIZE = 25
ERRORS_PAGE_SIZE = 50
ROLES = (Role.AFTERSALES_MANAGER,)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportRun.Kind.choices)
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)d MB: split it into several files.")
                                        % {"mb": max_bytes() // (1024 * 1024)})
        return upload


class StartForm(forms.Form):
    skip_bad = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _run(request: HttpRequest, pk: int) -> ImportRun:
    return get_scoped_or_404(ImportRun.objects.select_related("created_by", "started_by"), request.user, pk=pk)


@role_required(*ROLES, store_required=True)
def import_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None,
                      initial={"kind": request.GET.get("kind", ImportRun.Kind.CUSTOMERS)})
    if request.method == "POST":
        ran = run_form(form, lambda data: import_upload(
            actor=request.user, store=request.user.store, kind=data["kind"], name=data["file"].name,
            data=data["file"].read()))
        if ran:
            return redirect("dealership:import_run", pk=ran.value.pk)
    runs = scoped(ImportRun.objects.select_related("created_by"), request.user)
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/import_list.html", {
        "form": form, "page": page, "kinds": ImportRun.Kind.choices, "max_mb": max_bytes() // (1024 * 1024)},
        status=400 if form.errors else 200)


@role_required(*ROLES, store_required=True)
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(template_xlsx(kind),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="import-{kind}.xlsx"'
    return response


def _page(request: HttpRequest, run: ImportRun, form: StartForm | None = None, status: int = 200) -> HttpResponse:
    errors = run.report.get("errors", [])
    return render(request, "dealership/import_run.html", {
        "run": run, "form": form, "previous": previous_import(run),
        "errors": Paginator(errors, ERRORS_PAGE_SIZE).get_page(request.GET.get("page")),
        "error_count": run.report.get("error_count", len(errors)),
        "good_rows": run.rows_total - run.rows_bad, "S": ImportRun.Status}, status=status)


@role_required(*ROLES, store_required=True)
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _run(request, pk))


@role_required(*ROLES, store_required=True)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the run is busy; when it is over, the whole page is drawn again."""
    run = _run(request, pk)
    response = render(request, "dealership/partials/import_progress.html", {"run": run})
    if not run.busy:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(*ROLES, store_required=True)
def import_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    form = StartForm(request.POST)
    if run_form(form, lambda data: import_start(actor=request.user, run=run, skip_bad=data["skip_bad"])):
        return redirect("dealership:import_run", pk=run.pk)
    for error in form.non_field_errors():
        messages.error(request, error)
    run.refresh_from_db()
    return _page(request, run, form, status=400)
