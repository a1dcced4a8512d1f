"""Who may do what, and which records they may see.

Every view looks its objects up through `scoped()` / `get_scoped_or_404()`,
so staff see only their own store's records (group managers: their group's),
and declares the roles that may use it with `@role_required`."""

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, get_urlconf, resolve

from .models import Role, User

M = TypeVar("M", bound=Model)

MANAGERS = (Role.AFTERSALES_MANAGER, Role.GROUP_MANAGER)
ADVISORS = (Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT)
WORKSHOP = (Role.TECHNICIAN, Role.FOREMAN, Role.TECHNICAL_EXPERT)
FRONT_DESK = (Role.APPOINTMENT_AGENT, *ADVISORS, Role.CASHIER)
ALL_STAFF = tuple(Role.values)
STAFF_EXCEPT_GATE = tuple(r for r in Role.values if r != Role.GATE_GUARD)

# Where each role lands after login: the page is the stage's (`register_home` from its AppConfig.ready(),
# so the core names no stage); which role counts first for someone with several is the core's, as roles are.
HOME_PRECEDENCE: list[str] = [
    Role.GROUP_MANAGER, Role.AFTERSALES_MANAGER, Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT,
    Role.APPOINTMENT_AGENT, Role.FOREMAN, Role.TECHNICIAN, Role.TECHNICAL_EXPERT, Role.QC_INSPECTOR, Role.CASHIER,
    Role.GATE_GUARD, Role.FOLLOWUP_AGENT, Role.PARTS_MANAGER, Role.PARTS_CLERK, Role.WARRANTY_ASSESSOR,
]
_HOMES: dict[str, str] = {}


def register_home(url_name: str, *roles: str) -> None:
    """The page (a URL name) where people of `roles` land after login. One page per role."""
    for role in roles:
        if _HOMES.setdefault(role, url_name) != url_name:
            raise ImproperlyConfigured(f"{role} already lands on {_HOMES[role]}, not {url_name}")


register_home("dealership:orders", Role.WARRANTY_ASSESSOR)


def home_url_name(user: User) -> str | None:
    for role in HOME_PRECEDENCE:
        if role in _HOMES and user.has_role(role):
            return _HOMES[role]
    return None


def role_required(*roles: str, store_required: bool = False) -> Callable:
    """Allow the view only to staff holding one of `roles`. With
    `store_required`, the user must also belong to a store (writes always
    happen in the user's own store)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or not user.has_role(*roles):
                raise PermissionDenied
            if store_required and user.store_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # read by the permission tests and by may_open
        wrapper.store_required = store_required
        return wrapper

    return decorator


def scoped(qs: QuerySet[M], user: User) -> QuerySet[M]:
    """Only the records of the user's store (group managers: their group)."""
    if user.is_group_manager and user.group_id:
        return qs.filter(store__group_id=user.group_id)
    if user.store_id is None:
        return qs.none()
    return qs.filter(store_id=user.store_id)


def get_scoped_or_404(qs: QuerySet[M], user: User, **lookup) -> M:
    return get_object_or_404(scoped(qs, user), **lookup)


def may_open(user: User, url: str) -> bool:
    """Whether `user` passes the role check of the page at `url` (a link to a
    page the person may not open is a 403 waiting to happen: tasks and buttons
    are shown as text instead). Pages without role_required are open."""
    check = _page_check(urlsplit(url).path, settings.ROOT_URLCONF, get_urlconf())
    if check is None:
        return False
    roles, store_required = check
    if roles is None:
        return True
    if not user.is_authenticated or not user.has_role(*roles):
        return False
    return not (store_required and user.store_id is None)


@lru_cache(maxsize=4096)
def _page_check(path: str, root_urlconf: str, urlconf: str | None) -> tuple[frozenset[str] | None, bool] | None:
    """The roles and store a page at `path` asks for (None: no such page), resolved once per path: the header
    and the task lists ask it on every page (issue 22). The URL confs are in the key (tests and the benchmark
    swap them)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "allowed_roles", None), getattr(match.func, "store_required", False)
