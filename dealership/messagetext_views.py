"""The customer message texts page (issue 18): every message the customers receive, its current text in Chinese
and in English (the default until the store writes its own), the variables it offers, and a preview filled from a
recent real record of the store. Kept by the store's after-sales manager; forms validate, dealership.messagetexts
checks and saves."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .access import role_required
from .messagetexts import (
    customer_message,
    customer_messages,
    message_default,
    message_preview,
    message_sources,
    message_text_check,
    message_text_reset,
    message_text_save,
)
from .models import MessageText, Role, SettingChange
from .textlimits import DESCRIPTION
from .views import run_form

keeper = role_required(Role.AFTERSALES_MANAGER, store_required=True)
LANGUAGE_NAMES = dict(settings.LANGUAGES)


class MessageTextForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300,
                              help_text=gettext_lazy("The e-mail's subject; an SMS does not show it."))
    body = forms.CharField(label=gettext_lazy("Text"), max_length=DESCRIPTION, widget=forms.Textarea(attrs={"rows": 6}))


def _message(name: str):
    try:
        return customer_message(name)
    except KeyError:
        raise Http404 from None


def _language(language: str) -> str:
    if language not in LANGUAGE_NAMES:
        raise Http404
    return language


@keeper
def message_list(request: HttpRequest) -> HttpResponse:
    store = request.user.store
    own = {(row.name, row.language): row for row in MessageText.objects.filter(store=store)}
    rows = []
    for m in customer_messages():
        languages = []
        for code, label in settings.LANGUAGES:
            row = own.get((m.name, code))
            subject, body = (row.subject, row.body) if row else message_default(m.name, code)
            languages.append({"code": code, "name": label, "own": row is not None, "subject": subject, "body": body})
        rows.append({"message": m, "languages": languages})
    return render(request, "dealership/message_texts.html", {"rows": rows})


def _page(request: HttpRequest, name: str, *, status: int = 200, forms_: dict | None = None,
          drafts: dict | None = None) -> HttpResponse:
    store = request.user.store
    message = _message(name)
    forms_ = forms_ or {}
    drafts = drafts or {}
    languages = []
    for code, label in settings.LANGUAGES:
        subject, body, own = message_sources(store=store, name=name, language=code)
        form = forms_.get(code) or MessageTextForm(initial={"subject": subject, "body": body}, prefix=code)
        draft = drafts.get(code) or {}
        languages.append({"code": code, "name": label, "own": own, "form": form, "draft": bool(draft),
                          "preview": message_preview(store=store, name=name, language=code, **draft)})
    log = SettingChange.objects.filter(store=store, model=MessageText._meta.label_lower,
                                       object_id__in=[str(pk) for pk in MessageText.objects.filter(
                                           store=store, name=name).values_list("pk", flat=True)]
                                       ).select_related("actor").order_by("-at", "-id")[:10]
    return render(request, "dealership/message_text.html", {
        "message": message, "languages": languages, "log": log}, status=status)


@keeper
def message_text(request: HttpRequest, name: str) -> HttpResponse:
    return _page(request, name)


@require_POST
@keeper
def message_text_save_view(request: HttpRequest, name: str, language: str) -> HttpResponse:
    _message(name)
    language = _language(language)
    form = MessageTextForm(request.POST, prefix=language)
    if run_form(form, lambda data: message_text_save(store=request.user.store, actor=request.user, name=name,
                                                      language=language, subject=data["subject"],
                                                      body=data["body"])):
        messages.success(request, _("Saved: customers receive this text from now on (%(language)s).")
                         % {"language": LANGUAGE_NAMES[language]})
        return redirect("dealership:message_text", name=name)
    return _page(request, name, status=400, forms_={language: form})


@require_POST
@keeper
def message_text_preview(request: HttpRequest, name: str, language: str) -> HttpResponse:
    """The text being edited, filled in, without saving it."""
    _message(name)
    language = _language(language)
    form = MessageTextForm(request.POST, prefix=language)
    if not run_form(form, lambda data: message_text_check(name=name, language=language, subject=data["subject"],
                                                           body=data["body"])):
        return _page(request, name, status=400, forms_={language: form})
    return _page(request, name, forms_={language: form},
                 drafts={language: {"subject": form.cleaned_data["subject"], "body": form.cleaned_data["body"]}})


@require_POST
@keeper
def message_text_reset_view(request: HttpRequest, name: str, language: str) -> HttpResponse:
    _message(name)
    message_text_reset(store=request.user.store, actor=request.user, name=name, language=_language(language))
    messages.success(request, _("Back to the default text."))
    return redirect("dealership:message_text", name=name)
