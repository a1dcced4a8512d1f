"""The Django admin, the support desk's tool (issue 18): every model registered,
every page opens, lists stay at a constant number of queries, a store's staff
see their store only, records are view only and statuses never edited here."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments.models import Appointment, Confirmation, MobileCode
from dealership.admin_base import ReadOnlyAdmin
from dealership.models import (
    Customer,
    JobType,
    OutboundMessage,
    PastVisit,
    Role,
    StaffRole,
    TextOverflow,
    User,
    Vehicle,
    WorkOrder,
)
from followup.models import FollowUpCall, FollowUpTask, ServiceReminder
from inspection.models import DeferredWork, QcCheckItem, QcStandard
from reception.models import Reception
from settlement.models import GateAlert
from tests.cases import PROJECT_APPS, build_records
from workshop.models import Bay, FreeFix, SelfCheckItem

from ..conftest import login, new_order
from ..factories import CustomerFactory, PartFactory, UserFactory, VehicleFactory

# the models that may be changed in the admin: set-up and master data (docs/decisions.md,
# "Go-live (issue 18): the admin"); every other model is a record, view only
EDITABLE = {
    "dealership.dealergroup", "dealership.store", "dealership.user", "dealership.staffrole",
    "dealership.labouroperation", "dealership.part", "dealership.customer", "dealership.vehicle",
    "reception.walkaroundcheckitem", "workshop.bay", "workshop.selfcheckitem",
    "inspection.qccheckitem", "inspection.qcstandard", "inspection.parkingspot",
    "dealership.messagetext",  # a store's own customer message text (issue 18), checked as on its settings page
    "supply.supplier", "supply.partsupply",  # parts supply's set-up (issue 19)
}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


@pytest.fixture
def superuser(db):
    return UserFactory(store=None, is_staff=True, is_superuser=True)


def support(store, *models, actions=("view",)):
    """A member of the support desk at `store`, allowed `actions` on `models`."""
    user = UserFactory(store=store, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        codename__in=[f"{a}_{m._meta.model_name}" for m in models for a in actions]))
    return user


def test_every_model_of_the_project_is_registered():
    assert [m._meta.label for m in project_models() if not admin.site.is_registered(m)] == []


def test_records_are_view_only_and_the_rest_is_set_up():
    """The list of what may be edited is the decision's: a new model is a record
    until someone decides otherwise."""
    editable = {m._meta.label_lower for m in project_models()
                if not isinstance(admin.site._registry[m], ReadOnlyAdmin)}
    assert editable == EDITABLE


def test_status_is_read_only_on_every_admin(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    for model in project_models():
        if any(f.name == "status" for f in model._meta.concrete_fields):
            assert "status" in admin.site._registry[model].get_readonly_fields(request), model._meta.label


def test_nothing_is_deleted_in_the_admin(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    assert [m._meta.label for m in project_models() if admin.site._registry[m].has_delete_permission(request)] == []


def the_rest(team, records):
    """One row of each model the process did not reach in `build_records` (test data, written directly)."""
    store, order = team.store, WorkOrder.objects.get(pk=records["order"])
    job_type = JobType.values[0]
    TextOverflow.objects.create(model="dealership.customer", object_id=str(order.customer_id), field="name", text="长")
    from dealership.models import ArchiveRun, SweepStore  # issue 23

    SweepStore.objects.create(sweep="followup.tasks.sweep_reminders", store=store, last_round=1, runs=1)
    ArchiveRun.objects.create(before=order.created_at.date().replace(year=2020, month=1, day=1))
    OutboundMessage.objects.create(store=store, customer=order.customer, work_order=order, key="k", channel="sms",
                                   to=order.customer.mobile, subject="s", body="b")
    Confirmation.objects.create(store=store, appointment=Appointment.objects.get(pk=records["appointment"]),
                                kind=Confirmation.Kind.values[0], claim="c", claimed_at=order.created_at)
    MobileCode.objects.create(store=store, mobile="13700000001", client="192.0.2.1", code_hash="h",
                              expires_at=order.created_at)
    Reception.objects.create(store=store, work_order=order)
    Bay.objects.create(store=store, name="A1")
    SelfCheckItem.objects.create(store=store, job_type=job_type, label="扭矩")
    FreeFix.objects.create(store=store, work_order=order, description="紧固", technician=team[Role.TECHNICIAN])
    QcCheckItem.objects.create(store=store, job_type=job_type, label="试车")
    QcStandard.objects.create(store=store, job_type=job_type)
    DeferredWork.objects.create(store=store, work_order=order, vehicle=order.vehicle, description="轮胎",
                                urgency=DeferredWork.Urgency.values[0], recorded_by=team[Role.QC_INSPECTOR])
    GateAlert.objects.create(store=store, typed_number="X1", reason=GateAlert.Reason.values[0],
                             guard=team[Role.GATE_GUARD])
    FollowUpCall.objects.create(store=store, task=FollowUpTask.objects.get(pk=records["task"]),
                                agent=team[Role.FOLLOWUP_AGENT], reached=True, satisfaction=5)
    ServiceReminder.objects.create(store=store, vehicle=order.vehicle, kind=ServiceReminder.Kind.values[0], key="r",
                                   due_on=order.created_at.date())
    PastVisit.objects.create(store=store, vehicle=order.vehicle, customer=order.customer, old_number="OLD-1",
                             visited_on=order.created_at.date(), lines=[{"kind": "labour", "description": "保养"}])
    supply_rows(team)
    compliance_rows(team, order)


def compliance_rows(team, order):
    """Issue 21: a refused attempt, a spot check, a threshold and the counting job's rows."""
    from dealership.models import RefusedAttempt
    from followup.compliance import compliance_count
    from followup.models import ComplianceThreshold, SpotCheck, SpotCheckAnswer

    manager = team[Role.AFTERSALES_MANAGER]
    RefusedAttempt.objects.create(store=team.store, rule="REC-12", message="未签字", actor=manager, work_order=order)
    check = SpotCheck.objects.create(store=team.store, work_order=order, created_by=manager)
    SpotCheckAnswer.objects.create(spot_check=check, code="REP-X4", kept=False, note="未按手册")
    ComplianceThreshold.objects.create(store=team.store, code="REC-X9", limit=2, updated_by=manager)
    compliance_count(month=order.created_at.date())


def supply_rows(team):
    """Parts supply (issue 19): a supplier, a part's supply, an order received once, a count booked."""
    from supply.models import (
        PartSupply,
        PurchaseOrder,
        PurchaseOrderLine,
        Receipt,
        ReceiptLine,
        StockCount,
        StockCountLine,
        StockMove,
        Supplier,
    )

    store, clerk = team.store, team[Role.PARTS_CLERK]
    part = PartFactory(store=store)
    supplier = Supplier.objects.create(store=store, name="管理测试供应商")
    PartSupply.objects.create(store=store, part=part, supplier=supplier, location="A-01")
    order = PurchaseOrder.objects.create(store=store, number="PO-ADMIN-1", supplier=supplier, created_by=clerk)
    line = PurchaseOrderLine.objects.create(store=store, order=order, part=part, quantity=1, unit_cost=10)
    receipt = Receipt.objects.create(store=store, order=order, delivery_note="DN-ADMIN", received_by=clerk)
    move = StockMove.objects.create(store=store, part=part, quantity=1, value=10, kind=StockMove.Kind.RECEIPT, by=clerk)
    ReceiptLine.objects.create(store=store, receipt=receipt, order_line=line, part=part, quantity=1, unit_cost=10,
                               move=move)
    count = StockCount.objects.create(store=store, number="SC-ADMIN-1", created_by=clerk)
    StockCountLine.objects.create(store=store, count=count, part=part, expected=1, counted=1)


def test_every_list_and_change_page_opens_and_lists_take_the_same_queries_at_twice_the_rows(team, other_team,
                                                                                          superuser):
    the_rest(team, build_records(team))
    assert [m._meta.label for m in project_models() if not m._default_manager.exists()] == []
    client = login(superuser)

    def counts():
        found = {}
        for model in project_models():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(changelist(model))
            assert response.status_code == 200, model._meta.label
            found[model._meta.label] = len(queries)
        return found

    once = counts()
    for model in project_models():
        row = model._default_manager.order_by("pk").first()
        assert client.get(change(model, row.pk)).status_code == 200, model._meta.label
        if model._meta.label_lower in EDITABLE:
            add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert client.get(add).status_code == 200, model._meta.label

    the_rest(other_team, build_records(other_team, plate="粤A22222", mobile="13900000001"))
    twice = counts()
    assert {label: (once[label], n) for label, n in twice.items() if n != once[label]} == {}


@pytest.mark.parametrize("rows", [1, 30])
def test_the_work_order_list_takes_the_same_queries_at_any_size(order_in, superuser, rows,
                                                               django_assert_max_num_queries):
    for _ in range(rows):
        order_in(WorkOrder.Status.SIGNED)
    client = login(superuser)
    with django_assert_max_num_queries(12):
        assert client.get(changelist(WorkOrder)).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_the_vehicle_list_takes_the_same_queries_at_any_size(store, superuser, rows, django_assert_max_num_queries):
    VehicleFactory.create_batch(rows, store=store)
    client = login(superuser)
    with django_assert_max_num_queries(10):
        assert client.get(changelist(Vehicle)).status_code == 200


def test_a_search_by_plate_finds_the_order(team, catalogue, superuser):
    order = new_order(team, VehicleFactory(store=team.store, plate="粤A12345"), catalogue)
    new_order(team, VehicleFactory(store=team.store, plate="京B99999"), catalogue)
    response = login(superuser).get(changelist(WorkOrder), {"q": order.vehicle.plate})
    assert list(response.context["cl"].result_list) == [order]


def test_store_staff_see_only_their_store(team, other_team, superuser):
    mine = CustomerFactory(store=team.store)
    theirs = CustomerFactory(store=other_team.store)
    client = login(support(team.store, Customer, actions=("view", "change")))

    listed = client.get(changelist(Customer)).context["cl"].result_list
    assert mine in listed and theirs not in listed
    assert client.get(change(Customer, mine.pk)).status_code == 200
    assert client.get(change(Customer, theirs.pk)).status_code == 302  # "does not exist", back to the index
    assert login(superuser).get(change(Customer, theirs.pk)).status_code == 200


def test_a_group_manager_sees_the_groups_stores(team, group_manager):
    theirs = CustomerFactory(store=UserFactory(store__group=team.store.group).store)
    elsewhere = CustomerFactory()
    group_manager.is_staff = True
    group_manager.save()
    group_manager.user_permissions.set(Permission.objects.filter(codename="view_customer"))
    listed = login(group_manager).get(changelist(Customer)).context["cl"].result_list
    assert theirs in listed and elsewhere not in listed


def test_store_staff_cannot_attach_a_record_to_another_stores_customer(team, other_team):
    theirs = CustomerFactory(store=other_team.store)
    client = login(support(team.store, Vehicle, actions=("add", "view")))
    response = client.post(reverse("admin:dealership_vehicle_add"), {
        "store": team.store.pk, "customer": theirs.pk, "plate": "粤A12345", "vin": "LSVAU2180N2183294",
        "make": "大众", "model": "迈腾"})
    assert response.status_code == 200 and "customer" in response.context["adminform"].form.errors


def test_store_staff_cannot_make_themselves_superuser(team):
    user = support(team.store, User, actions=("view", "change"))
    client = login(user)
    form = client.get(change(User, user.pk)).context["adminform"].form
    assert {"is_superuser", "is_staff", "user_permissions", "groups"}.isdisjoint(form.fields)


def test_history_tables_refuse_add_change_and_delete(order_in, superuser):
    order = order_in(WorkOrder.Status.SIGNED)
    event = order.events.first()
    client = login(superuser)
    event_model = type(event)
    assert client.get(reverse("admin:dealership_workorderevent_add")).status_code == 403
    response = client.post(change(event_model, event.pk), {"note": "改过"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.note != "改过"
    assert client.post(reverse("admin:dealership_workorderevent_delete", args=[event.pk]),
                       {"post": "yes"}).status_code == 403
    assert event_model.objects.filter(pk=event.pk).exists()
    # viewing is allowed: the page says "view", with no save button
    page = client.get(change(event_model, event.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_store_staff_see_no_admin_without_is_staff(team):
    client = login(team[Role.SERVICE_ADVISOR])
    response = client.get(changelist(Customer))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_every_record_refuses_add_change_and_delete_even_to_a_superuser(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    for model in project_models():
        model_admin = admin.site._registry[model]
        if model._meta.label_lower in EDITABLE:
            continue
        assert model_admin.has_view_permission(request), model._meta.label
        assert not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                    or model_admin.has_delete_permission(request)), model._meta.label


def test_rows_without_their_own_store_are_scoped_through_their_parent(team, other_team):
    client = login(support(team.store, StaffRole))
    listed = client.get(changelist(StaffRole)).context["cl"].result_list
    assert {r.user.store_id for r in listed} == {team.store.pk}
    assert StaffRole.objects.filter(user__store=other_team.store).exists()
