"""The staff pages of the managers (issue 18): the store's accounts, with their roles and trades, and the settings
change log. An after-sales manager keeps their store's staff, a group manager the group's; another store's account
is a 404. Forms validate, dealership.staff saves and refuses."""

from django import forms
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from .access import ALL_STAFF, MANAGERS, get_scoped_or_404, role_required, scoped
from .errors import ProcessError
from .models import Role, SettingChange, StaffRole, Store, Trade, User
from .staff import (
    GRANTABLE,
    staff_create,
    staff_deactivate,
    staff_move_store,
    staff_password_reset,
    staff_reactivate,
    staff_update,
)
from .views import run_form

PAGE_SIZE = 25
ROLE_CHOICES = [(r, Role(r).label) for r in GRANTABLE]


class StaffForm(forms.Form):
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("Mobile"), max_length=30, required=False)
    roles = forms.MultipleChoiceField(label=gettext_lazy("Roles"), choices=ROLE_CHOICES,
                                      widget=forms.CheckboxSelectMultiple)
    trade = forms.ChoiceField(label=gettext_lazy("Trade"), choices=[("", "—"), *Trade.choices], required=False,
                              help_text=gettext_lazy("Needed for a technician; for an advisor, the cars they "
                                                     "receive."))


class StaffCreateForm(StaffForm):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150,
                               validators=[User.username_validator])
    password = forms.CharField(label=gettext_lazy("Initial password"), widget=forms.PasswordInput,
                               strip=False,
                               help_text=gettext_lazy("Tell it to the person: they must change it at their first "
                                                      "login."))
    field_order = ["username", "display_name", "phone", "roles", "trade", "password"]

    def __init__(self, *args, stores=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stores is not None:  # a group manager picks the store
            self.fields["store"] = forms.ModelChoiceField(label=gettext_lazy("Store"), queryset=stores)

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Temporary password"), widget=forms.PasswordInput, strip=False,
                               help_text=gettext_lazy("The person must change it at their next login."))

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class MoveForm(forms.Form):
    store = forms.ModelChoiceField(label=gettext_lazy("Move to store"), queryset=Store.objects.none())

    def __init__(self, *args, stores, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores


def _group_stores(user: User):
    return Store.objects.filter(group_id=user.group_id).only("name", "code") if user.is_group_manager else None


def _staff(request: HttpRequest, pk: int) -> User:
    return get_scoped_or_404(User.objects.select_related("store"), request.user, pk=pk)


@role_required(*MANAGERS)
def staff_list(request: HttpRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    people = scoped(User.objects.select_related("store"), request.user).prefetch_related(
        Prefetch("staff_roles", queryset=StaffRole.objects.order_by("role")))
    if role in Role.values:
        people = people.filter(staff_roles__role=role)
    people = people.order_by("-is_active", "display_name", "username")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/staff_list.html", {
        "page": page, "role": role if role in Role.values else "", "roles": ROLE_CHOICES,
        "show_store": request.user.is_group_manager})


@role_required(*MANAGERS)
def staff_new(request: HttpRequest) -> HttpResponse:
    stores = _group_stores(request.user)
    form = StaffCreateForm(request.POST or None, stores=stores)
    if request.method == "POST":
        ran = run_form(form, lambda data: staff_create(
            actor=request.user, store=data.get("store") or request.user.store, username=data["username"],
            display_name=data["display_name"], phone=data["phone"], roles=data["roles"], trade=data["trade"],
            password=data["password"]))
        if ran:
            messages.success(request, _("%(name)s can now log in.") % {"name": ran.value})
            return redirect("dealership:staff")
    elif stores is None and request.user.store_id is None:
        return render(request, "dealership/no_role.html", status=403)
    return render(request, "dealership/staff_new.html", {"form": form}, status=400 if form.errors else 200)


def _page(request: HttpRequest, person: User, status: int = 200, **forms_) -> HttpResponse:
    stores = _group_stores(request.user)
    context = {
        "person": person,
        "form": forms_.get("form") or StaffForm(initial={
            "display_name": person.display_name, "phone": person.phone, "trade": person.trade,
            "roles": sorted(person.roles)}),
        "reset_form": forms_.get("reset_form") or PasswordResetForm(),
        "move_form": forms_.get("move_form") or (MoveForm(stores=stores.exclude(pk=person.store_id),
                                                          initial={}) if stores is not None else None),
        "log": SettingChange.objects.filter(model=person._meta.label_lower, object_id=str(person.pk))
        .select_related("actor")[:20],
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "dealership/staff_detail.html", context, status=status)


@role_required(*MANAGERS)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff(request, pk)
    if request.method != "POST":
        return _page(request, person)
    form = StaffForm(request.POST)
    if run_form(form, lambda data: staff_update(actor=request.user, user=person, display_name=data["display_name"],
                                                  phone=data["phone"], roles=data["roles"], trade=data["trade"])):
        messages.success(request, _("Saved."))
        return redirect("dealership:staff_detail", pk=person.pk)
    return _page(request, person, status=400, form=form)


def _switch(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    person = _staff(request, pk)
    try:
        service(actor=request.user, user=person)
    except ProcessError as exc:
        messages.error(request, str(exc))
        return _page(request, person, status=400)
    messages.success(request, done % {"name": person})
    return redirect("dealership:staff_detail", pk=person.pk)


@require_POST
@role_required(*MANAGERS)
def staff_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch(request, pk, staff_deactivate, _("%(name)s can no longer log in; their name stays on their "
                                                    "orders."))


@require_POST
@role_required(*MANAGERS)
def staff_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch(request, pk, staff_reactivate, _("%(name)s can log in again."))


@require_POST
@role_required(*MANAGERS)
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff(request, pk)
    form = PasswordResetForm(request.POST)
    if run_form(form, lambda data: staff_password_reset(actor=request.user, user=person, password=data["password"])):
        messages.success(request, _("The password is reset: %(name)s must change it at their next login.")
                         % {"name": person})
        return redirect("dealership:staff_detail", pk=person.pk)
    return _page(request, person, status=400, reset_form=form)


@require_POST
@role_required(Role.GROUP_MANAGER)
def staff_move(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff(request, pk)
    form = MoveForm(request.POST, stores=_group_stores(request.user))
    if run_form(form, lambda data: staff_move_store(actor=request.user, user=person, store=data["store"])):
        messages.success(request, _("%(name)s now works at %(store)s.") % {"name": person,
                                                                          "store": form.cleaned_data["store"]})
        return redirect("dealership:staff_detail", pk=person.pk)
    return _page(request, person, status=400, move_form=form)


@role_required(*MANAGERS)
def settings_log(request: HttpRequest) -> HttpResponse:
    changes = scoped(SettingChange.objects.select_related("actor", "store"), request.user).order_by("-at", "-id")
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dealership/staff_log.html", {"page": page, "show_store": request.user.is_group_manager})


class _PasswordChange(auth_views.PasswordChangeView):
    """Django's password change; it also lifts the forced change after a reset (the middleware stops sending the
    person here)."""

    template_name = "dealership/staff_password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        User.objects.filter(pk=self.request.user.pk).update(must_change_password=False)
        messages.success(self.request, _("Your password is changed."))
        return response


password_change = role_required(*ALL_STAFF)(_PasswordChange.as_view())
