"""Staff accounts, kept by their managers (issue 18): create, edit, deactivate (never delete: orders and timelines
keep the name), reset a password, move to another store. Every change writes the settings change log
(`settings_change_record`): who, when, the old and the new value. Passwords never reach the log.

Rules that hold whatever the entry point (page, shell, admin): a technician has a trade; nobody deactivates,
moves or takes the manager role from themselves; a store is never left without an active after-sales manager;
someone with open work (orders, jobs, tasks) is not moved to another store."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .changelog import settings_change_record
from .errors import ProcessError
from .models import Role, StaffRole, StaffTask, Store, User, WorkOrder

S = WorkOrder.Status
# The roles a manager hands out on the staff pages; a group manager is made by setup_dealership or the admin.
GRANTABLE = tuple(r for r in Role.values if r != Role.GROUP_MANAGER)
NEEDS_TRADE = frozenset({Role.TECHNICIAN})
PASSWORD_RESET = "reset"  # what the log says instead of a password

# What else counts as someone's open work, by a later stage (the workshop's jobs): a function of the user that
# returns how many open items they hold, with the label named in the refusal. Registered from AppConfig.ready().
_OPEN_WORK: dict[str, tuple[str | Promise, Callable[[User], int]]] = {}


def register_open_work(key: str, label: str | Promise, count: Callable[[User], int]) -> None:
    _OPEN_WORK[key] = (label, count)


def _role_labels(roles: Iterable[str]) -> list[str]:
    return [str(Role(r).label) for r in sorted(roles)]


def _check_trade(roles: Iterable[str], trade: str) -> None:
    if NEEDS_TRADE.intersection(roles) and not trade:
        raise ProcessError(_("A technician needs a trade: the workshop's capacity is counted by trade."),
                           field="trade")


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _other_active_managers(user: User) -> bool:
    if user.store_id is None:
        return True
    return User.objects.filter(store_id=user.store_id, is_active=True,
                               staff_roles__role=Role.AFTERSALES_MANAGER).exclude(pk=user.pk).exists()


def _keeps_a_manager(user: User, *, field: str = "") -> None:
    """Refuse a change that would leave the user's store without an active after-sales manager."""
    # lock the store's managers, so two managers taking each other's role at once cannot both succeed
    list(User.objects.select_for_update().filter(store_id=user.store_id, staff_roles__role=Role.AFTERSALES_MANAGER)
         .values_list("pk", flat=True))
    if Role.AFTERSALES_MANAGER in _current_roles(user) and user.is_active and not _other_active_managers(user):
        raise ProcessError(_("%(name)s is the store's only active after-sales manager: give the role to someone "
                             "else first.") % {"name": user}, field=field)


def _current_roles(user: User) -> set[str]:
    return set(StaffRole.objects.filter(user=user).values_list("role", flat=True))


def _set_roles(user: User, roles: Iterable[str]) -> None:
    roles = set(roles)
    StaffRole.objects.filter(user=user).exclude(role__in=roles).delete()
    StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles], ignore_conflicts=True)
    user.__dict__.pop("roles", None)


def staff_create(*, actor: User, store: Store, username: str, display_name: str, phone: str, roles: Iterable[str],
                 trade: str, password: str) -> User:
    """A new account in `store`; the person must change the initial password at their first login."""
    roles = sorted(set(roles))
    _check_trade(roles, trade)
    if User.objects.filter(username__iexact=username).exists():
        raise ProcessError(_("The username %(username)s is taken: choose another.") % {"username": username},
                           field="username")
    try:
        with transaction.atomic():
            user = User(username=username, display_name=display_name, phone=phone, trade=trade, store=store,
                        group_id=store.group_id, must_change_password=True)
            user.set_password(password)
            user.save()
            _set_roles(user, roles)
            settings_change_record(actor=actor, obj=user, changes={
                "created": ("", user.username), "display_name": ("", display_name), "phone": ("", phone),
                "roles": ("", _role_labels(roles)), "trade": ("", user.get_trade_display()),
                "password": ("", PASSWORD_RESET)})
    except IntegrityError:  # the same username created at the same moment
        raise ProcessError(_("The username %(username)s is taken: choose another.") % {"username": username},
                           field="username") from None
    return user


@transaction.atomic
def staff_update(*, actor: User, user: User, display_name: str, phone: str, roles: Iterable[str],
                 trade: str) -> User:
    """Name, phone, roles and trade. Nobody takes the manager role from themselves, and a store keeps an active
    after-sales manager."""
    user = _lock(user)
    roles = set(roles)
    _check_trade(roles, trade)
    before_roles = _current_roles(user)
    # a group manager's role is not handed out here: keep it if they had it
    roles |= before_roles - set(GRANTABLE)
    if Role.AFTERSALES_MANAGER in before_roles and Role.AFTERSALES_MANAGER not in roles:
        if user.pk == actor.pk:
            raise ProcessError(_("You cannot take the after-sales manager role from yourself."), field="roles")
        _keeps_a_manager(user, field="roles")
    before = {"display_name": user.display_name, "phone": user.phone, "trade": user.get_trade_display(),
              "roles": _role_labels(before_roles)}
    user.display_name, user.phone, user.trade = display_name, phone, trade
    user.save(update_fields=["display_name", "phone", "trade"])
    _set_roles(user, roles)
    settings_change_record(actor=actor, obj=user, changes={
        "display_name": (before["display_name"], display_name), "phone": (before["phone"], phone),
        "trade": (before["trade"], user.get_trade_display()), "roles": (before["roles"], _role_labels(roles))})
    return user


@transaction.atomic
def staff_deactivate(*, actor: User, user: User) -> User:
    """The account can no longer log in (its open sessions end); the person stays on every order and timeline
    they are named on: accounts are never deleted."""
    if user.pk == actor.pk:
        raise ProcessError(_("You cannot deactivate your own account."))
    user = _lock(user)
    if not user.is_active:
        return user
    _keeps_a_manager(user)
    User.objects.filter(pk=user.pk).update(is_active=False, session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["is_active", "session_epoch"])
    settings_change_record(actor=actor, obj=user, changes={"is_active": (_("active"), _("inactive"))})
    return user


@transaction.atomic
def staff_reactivate(*, actor: User, user: User) -> User:
    user = _lock(user)
    if user.is_active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    settings_change_record(actor=actor, obj=user, changes={"is_active": (_("inactive"), _("active"))})
    return user


@transaction.atomic
def staff_password_reset(*, actor: User, user: User, password: str) -> User:
    """A temporary password the manager hands over; the person must change it at their next login, and every
    session they had open ends (the session hash follows the password)."""
    user = _lock(user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    settings_change_record(actor=actor, obj=user, changes={"password": ("", PASSWORD_RESET)})
    return user


def staff_open_work(*, user: User) -> list[str]:
    """What the person still holds, as "label: count" texts (empty: nothing)."""
    held = []
    orders = WorkOrder.objects.filter(advisor=user).exclude(status__in=[S.DELIVERED, S.CLOSED, S.CANCELLED]).count()
    if orders:
        held.append(_("open work orders: %(count)d") % {"count": orders})
    tasks = StaffTask.objects.filter(assignee=user, done_at__isnull=True).count()
    if tasks:
        held.append(_("open tasks: %(count)d") % {"count": tasks})
    for label, count in _OPEN_WORK.values():
        n = count(user)
        if n:
            held.append(f"{label}: {n}")
    return held


@transaction.atomic
def staff_move_store(*, actor: User, user: User, store: Store) -> User:
    """Move someone to another store of the same group (a group manager's decision). Refused while they hold
    open work, which would stay behind in a store they no longer see."""
    if not actor.is_group_manager or store.group_id != actor.group_id:
        raise ProcessError(_("Only the group manager moves staff between the group's stores."), field="store")
    if user.pk == actor.pk:
        raise ProcessError(_("You cannot move your own account."), field="store")
    user = _lock(user)
    if user.store_id == store.pk:
        return user
    held = staff_open_work(user=user)
    if held:
        raise ProcessError(_("%(name)s still has open work in %(store)s (%(held)s): hand it over first.")
                           % {"name": user, "store": user.store, "held": "; ".join(held)}, field="store")
    _keeps_a_manager(user, field="store")
    old_store = user.store
    user.store = store
    user.save(update_fields=["store"])
    for logged_in in (old_store, store):  # both stores' managers see the move in their log
        settings_change_record(actor=actor, obj=user, store=logged_in,
                               changes={"store": (old_store, store)})
    return user
