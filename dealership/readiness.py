"""What a new store must have before its first booking (issue 18, the first run).

A store made by `manage.py setup_dealership` is `setup_pending` until every
requirement here is met: its manager sees the list (the setup checklist, and
a banner on every page), the rest of its staff a notice naming the manager.
The whole list is one query (each requirement is a boolean expression on the
store row); once it is empty the flag is cleared, and a ready store costs no
query at all.

Later stages add what they need before a booking (bays, a holiday calendar)
with `register`, as with `stilldue`, so the core names no stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, Expression, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import LabourOperation, Role, Store, User


@dataclass(frozen=True)
class Requirement:
    key: str
    missing: str | Promise          # what is missing, as staff read it
    todo: str | Promise             # what the manager does about it
    met: Callable[[], Expression]   # a boolean expression on a Store row
    url_name: str = ""              # where it is set (the admin until the settings pages exist)
    url_args: Callable[[Store], tuple] = lambda store: ()
    confirm: bool = False           # the value has a default: the manager confirms it on the checklist


@dataclass(frozen=True)
class Missing:
    key: str
    what: str
    todo: str
    url: str | None
    confirm: bool


@dataclass(frozen=True)
class SetupStatus:
    missing: list[Missing]
    manager: str  # the store's after-sales manager, named in the notice to the rest of the staff

    @property
    def ready(self) -> bool:
        return not self.missing


_REQUIREMENTS: dict[str, Requirement] = {}


def register(requirement: Requirement) -> None:
    _REQUIREMENTS[requirement.key] = requirement


def requirements() -> list[Requirement]:
    return list(_REQUIREMENTS.values())


def _flag(field: str) -> Callable[[], Expression]:
    return lambda: ExpressionWrapper(Q(**{field: True}), output_field=BooleanField())


def _staff_with(role: str) -> Callable[[], Expression]:
    return lambda: Exists(User.objects.filter(store=OuterRef("pk"), is_active=True, staff_roles__role=role))


def _store_pk(store: Store) -> tuple:
    return (store.pk,)


register(Requirement(
    key="hours", missing=_("The opening hours are not confirmed."),
    todo=_("Check when the store opens and closes (change them on the store's page if needed), then confirm them "
           "here: the booking slots are counted from them."),  # saving them on the store's page confirms them too
    met=_flag("hours_confirmed"), url_name="dealership:store_settings", url_args=_store_pk, confirm=True))
register(Requirement(
    key="advisors", missing=_("There is no service advisor."),
    todo=_("Create an account for each service advisor, with the role Service advisor and the trade they receive."),
    met=_staff_with(Role.SERVICE_ADVISOR), url_name="dealership:staff_new"))
register(Requirement(
    key="technicians", missing=_("There is no technician."),
    todo=_("Create an account for each technician, with the role Technician and their trade: the workshop's "
           "capacity is counted from them."),
    met=_staff_with(Role.TECHNICIAN), url_name="dealership:staff_new"))
register(Requirement(
    key="labour_rate", missing=_("The labour rate is not confirmed."),
    todo=_("Check the labour rate (yuan per hour) on the store's page, then confirm it here."),
    met=_flag("labour_rate_confirmed"), url_name="dealership:store_settings", url_args=_store_pk,
    confirm=True))
register(Requirement(
    key="labour_operations", missing=_("The catalogue has no labour operation."),
    todo=_("Add at least one labour operation with its job type, standard hours and published price: a booking "
           "names the work it is for (APT-4)."),
    met=lambda: Exists(LabourOperation.objects.filter(store=OuterRef("pk"), active=True)),
    url_name="dealership:catalogue_labour"))


def _url(requirement: Requirement, store: Store) -> str | None:
    """Where the item is set; None when that page is not installed (the admin is optional here)."""
    if not requirement.url_name:
        return None
    try:
        return reverse(requirement.url_name, args=requirement.url_args(store))
    except NoReverseMatch:
        return None


def store_setup_status(*, store: Store) -> SetupStatus:
    """Every requirement of the store and its manager's name, in one query."""
    checks = requirements()
    manager = User.objects.filter(store=OuterRef("pk"), is_active=True,
                                  staff_roles__role=Role.AFTERSALES_MANAGER).order_by("id")
    row = Store.objects.filter(pk=store.pk).values(
        manager_name=Coalesce(NullIf(Subquery(manager.values("display_name")[:1]), Value("")),
                              Subquery(manager.values("username")[:1])),
        **{f"met_{r.key}": r.met() for r in checks}).get()
    missing = [Missing(key=r.key, what=str(r.missing), todo=str(r.todo), url=_url(r, store), confirm=r.confirm)
               for r in checks if not row[f"met_{r.key}"]]
    return SetupStatus(missing=missing, manager=row["manager_name"] or "")


def store_readiness(*, store: Store) -> list[Missing]:
    """What the store still needs before its first booking (empty: nothing)."""
    return store_setup_status(store=store).missing


def store_setup_refresh(*, store: Store) -> SetupStatus:
    """The status of a store being set up; when nothing is missing any more, the store leaves setup (once: a
    conditional update, so two requests at the same moment clear it once), and later pages skip the check."""
    status = store_setup_status(store=store)
    if status.ready and store.setup_pending:
        Store.objects.filter(pk=store.pk, setup_pending=True).update(setup_pending=False)
        store.setup_pending = False
    return status


CONFIRMABLE = {"hours": "hours_confirmed", "labour_rate": "labour_rate_confirmed"}


def store_setup_confirm(*, store: Store, key: str) -> None:
    """The manager says a value with a default (opening hours, labour rate) is right for this store."""
    field = CONFIRMABLE[key]
    Store.objects.filter(pk=store.pk).update(**{field: True})
    setattr(store, field, True)
