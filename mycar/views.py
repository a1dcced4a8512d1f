"""The car's live status page (issue 20), opened from the link sent at signing: no login, the signed token is
the key, and it opens one order only (docs/mycar.md)."""

import hashlib
import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dealership.errors import ProcessError
from dealership.textlimits import REASON
from followup.models import FollowUpTask
from followup.services import survey_token
from reception.links import order_from_status_token
from settlement.links import documents_token
from workshop import changes
from workshop.forms import LinkNoteForm
from workshop.models import Finding

from .selectors import car_status, followup_task, shown_finding, statement_issued

CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def _private(response: HttpResponse) -> HttpResponse:
    """The page is one customer's: no shared cache keeps it, no search engine lists it, no other site learns the
    token from the Referer."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])  # the language
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _context(order, token: str, **more) -> dict:
    return {"car": car_status(order, token=token), "poll_seconds": settings.MYCAR_POLL_SECONDS, "note_limit": REASON,
            "errors": {}, "chosen": {}, "note": "", **more}


@login_not_required
@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    order = order_from_status_token(token)
    return _private(render(request, "mycar/status.html", _context(order, token)))


@login_not_required
@require_GET
def status_now(request: HttpRequest, token: str) -> HttpResponse:
    """The part of the page that htmx asks for every MYCAR_POLL_SECONDS. Unchanged since the phone's last copy:
    304 and no body (the ETag is the content's hash; the reads are bounded, see selectors)."""
    order = order_from_status_token(token)
    response = render(request, "mycar/partials/status.html", _context(order, token))
    # Django masks the CSRF token afresh on every render; any of the masks is good for the page's form, so the
    # hash leaves it out and the phone keeps the copy it has.
    response["ETag"] = f'"{hashlib.sha256(CSRF_INPUT.sub(b"", response.content)).hexdigest()[:32]}"'
    return _private(get_conditional_response(request, etag=response["ETag"], response=response))


@login_not_required
@require_http_methods(["GET", "POST"])
def finding_decide(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """REP-4 from the status page: the customer's yes or no for each item, through the same service as the
    approval link (workshop.changes.finding_decide), so it is recorded once, with the same checks. Opened
    again from the address bar (after a refused decision the page's address is this one): the status page."""
    order = order_from_status_token(token)
    if request.method == "GET":
        return redirect("mycar:status", token=token)
    finding = get_object_or_404(Finding.objects.only("pk", "store_id", "work_order_id", "status"),
                                pk=pk, store_id=order.store_id, work_order_id=order.pk)
    if finding.status != Finding.Status.PRICED:  # decided already (sent twice, or by phone meanwhile)
        return _refused(request, order, token, notice=_("This finding is not waiting for the customer."))
    choices = {line.pk: request.POST.get(f"decision-{line.pk}") for line in changes.finding_lines(finding)}
    note_form = LinkNoteForm(request.POST)
    errors = [_("Choose yes or no for every item.")] if any(c not in ("approve", "decline")
                                                             for c in choices.values()) else []
    if not note_form.is_valid():
        errors += note_form.errors["note"]
    if errors:
        return _refused(request, order, token, errors={finding.pk: errors}, chosen={finding.pk: choices},
                        note=request.POST.get("note", "")[:REASON])
    try:
        changes.finding_decide(finding=finding, decisions={k: v == "approve" for k, v in choices.items()},
                               via=Finding.Via.LINK, note=note_form.cleaned_data["note"])
    except ProcessError as exc:  # the service's own checks (REP-4), said at the top of the page
        return _refused(request, order, token, notice=exc.message)  # no rule code for customers
    return redirect(reverse("mycar:status", args=[token]) + f"#decided-{finding.pk}")


def _refused(request: HttpRequest, order, token: str, **context) -> HttpResponse:
    order.refresh_from_db()  # as it is now: the page shows where things stand
    return _private(render(request, "mycar/status.html", _context(order, token, **context), status=400))


# The other stages' own customer pages, reached from this one: their links are made when followed, so the status
# page carries no token but its own (and stays the same between polls while nothing changes).

@login_not_required
@require_GET
def finding_photo(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    finding = shown_finding(order_from_status_token(token), pk)
    if finding is None or not finding.photo:
        raise Http404
    return _private(redirect("workshop:approve_photo", token=changes.approval_token(finding)))


@login_not_required
@require_GET
def documents(request: HttpRequest, token: str) -> HttpResponse:
    """SET-13: the statement and the other papers, once the statement is issued."""
    order = order_from_status_token(token)
    if not statement_issued(order):
        raise Http404
    return _private(redirect("settlement:customer_documents", token=documents_token(order)))


@login_not_required
@require_GET
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """FU-9: the follow-up survey, while the follow-up is open."""
    task = followup_task(order_from_status_token(token))
    if task is None or task.status != FollowUpTask.Status.OPEN:
        raise Http404
    return _private(redirect("followup:survey", token=survey_token(task)))
