"""What every admin page of the project shares (issue 18).

The Django admin is the support desk's tool (superusers and staff with
`is_staff`), not the managers' settings pages. Its rules, once for all models:

- Each list and page shows only the records of the user's store (a group-level
  user: the group's stores), as the staff pages do (`access.scoped`), unless
  the user is a superuser. The choices of a foreign key are scoped the same way,
  so nobody attaches a record to another store's customer.
- A status is never edited here: it changes through the doors
  (`dealership.doors`), which check the move against the model's table and
  record it (`scripts/lint_doors.py`). `status` is read-only on every admin.
- Nothing is deleted here: records keep the history, set-up rows have an
  `active` flag, staff are deactivated (history keeps their name).
- Records (`ReadOnlyAdmin`) are shown, never added or changed: they are
  written by the services, which hold the process rules whatever the entry
  point (conventions, habit 4). docs/decisions.md says which model is which."""

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .access import scoped
from .models import DealerGroup, Store, User

STATUS = "status"


def _has_field(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def visible(qs: QuerySet, user: User, *, via: str = "") -> QuerySet:
    """The rows of `qs` that `user` may see in the admin: all for a superuser;
    otherwise those of the user's store (group managers: their group's), read
    through `via` (a foreign key to a parent that carries the store) for the
    few models that do not carry it themselves."""
    if user.is_superuser:
        return qs
    model = qs.model
    if model is Store:
        if user.is_group_manager and user.group_id:
            return qs.filter(group_id=user.group_id)
        return qs.filter(pk=user.store_id) if user.store_id else qs.none()
    if model is DealerGroup:
        if user.is_group_manager and user.group_id:
            return qs.filter(pk=user.group_id)
        return qs.filter(pk__in=visible(Store.objects.all(), user).values("group_id"))
    if via:
        parent = model._meta.get_field(via).related_model
        return qs.filter(**{f"{via}__in": visible(parent._default_manager.all(), user)})
    if _has_field(model, "store"):
        return scoped(qs, user)
    return qs.none()  # a row of no store (an archived text): superusers only


class StoreFilter(admin.SimpleListFilter):
    """Filter by store, offering only the stores the user may see (a related
    filter would list every store of every group)."""

    title = _("store")
    parameter_name = "store"

    def __init__(self, request, params, model, model_admin):
        self.lookup = f"{model_admin.store_via}__store_id" if model_admin.store_via else "store_id"
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(store.pk, store.name) for store in visible(Store.objects.only("name"), request.user)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.lookup: int(value)})
        return queryset


class StoreScopedAdmin(admin.ModelAdmin):
    """An admin scoped to the user's store, with status read-only and no delete."""

    store_via = ""  # the foreign key through which a model without its own store reaches one
    list_per_page = 50
    show_full_result_count = False  # one count(*) less on every filtered list

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible(super().get_queryset(request), request.user, via=self.store_via)

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if self.store_via or _has_field(self.model, "store"):
            filters.insert(0, StoreFilter)
        return filters

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _has_field(self.model, STATUS) and STATUS not in fields:
            fields.append(STATUS)  # status moves go through the doors
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = visible(db_field.related_model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(StoreScopedAdmin):
    """A record: shown, searched and filtered, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """The rows of a record shown under it, read-only."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
