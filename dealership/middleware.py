from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.middleware import get_user as cached_user
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from . import attempts


class StoreLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose English in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    dealership's shared front-desk PC may well have an English browser, and
    the staff still expect the Chinese interface. The choice made with the
    header switch (the language cookie) is kept."""

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class LoadedUserMiddleware:
    """`request.user` as the user itself, not Django's lazy wrapper of it. Every page here needs the user (the
    login check reads it on each request), and each attribute read through the wrapper costs a Python-level
    `__getattribute__` and a failed lookup: the header, the role checks and the templates read the user about
    360 times a page, about 0.9 ms of a 5 ms page (issue 22, profiled on the QC queue). The user is the one
    the wrapper would load, cached on the request (no query more, none earlier than the wrapper's first use:
    the next middleware reads it anyway)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = cached_user(request)
        return self.get_response(request)


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login. For an htmx request (a section of a page),
    tell the browser to go to the login page instead of swapping the login
    form into the section."""

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            current = request.headers.get("HX-Current-URL", "/")
            response["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': current})}"
            return response
        return super().handle_no_permission(request, view_func)


class SecurityHeadersMiddleware:
    """A Content Security Policy and the browser protections Django's
    SecurityMiddleware does not set. Scripts come only from our own static
    files (no inline script, no eval); styles may be inline (Bootstrap's
    attributes and htmx's indicator style); images may be data: URLs (the
    signature pad). A response that set its own policy keeps it (uploaded
    photos are served with `default-src 'none'; sandbox`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RefuseNulMiddleware:
    """A NUL character in a parameter is never typed by a person; PostgreSQL
    refuses it in text, which would fail the request deep in a query. Answer
    400 at the door instead (the fuzz tests found it in the search box)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = [request.GET]
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                  "multipart/form-data"):
            params.append(request.POST)
        for query in params:
            for key, values in query.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return HttpResponseBadRequest(_("The request contained a character that cannot be typed."))
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """After a manager set a temporary password (a new account, a reset), every page sends the person to the
    password change page until they pick their own (issue 18). The user row is loaded for the session check
    anyway: a flag on it costs no query."""

    ALLOWED = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
            if match is not None and match.url_name not in self.ALLOWED:
                target = resolve_url("password_change")
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return HttpResponseRedirect(target)
        return self.get_response(request)


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


class RefusedAttemptsMiddleware:
    """Issue 21: write down the actions a guard refused during the request
    (dealership.attempts), after the view's own transaction has ended: the
    refusal rolled that one back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = attempts.start()
        try:
            response = self.get_response(request)
        finally:
            noted = attempts.stop(token)
        if noted and request.method == "POST":
            self.record(request, noted)
        return response

    @staticmethod
    def record(request, noted: list[attempts.Noted]) -> None:
        from .models import RefusedAttempt, WorkOrder

        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        orders = dict(WorkOrder.objects.filter(pk__in={n.work_order_id for n in noted if n.work_order_id})
                      .values_list("pk", "store_id"))
        rows = []
        for n in noted:
            store_id = orders.get(n.work_order_id) or (actor.store_id if actor else None)
            if store_id:  # a group manager's refusal about no order of a store is nobody's store's figure
                rows.append(RefusedAttempt(store_id=store_id, rule=n.rule, message=n.message, actor=actor,
                                           work_order_id=n.work_order_id if n.work_order_id in orders else None,
                                           path=request.path[:200]))
        RefusedAttempt.objects.bulk_create(rows)
