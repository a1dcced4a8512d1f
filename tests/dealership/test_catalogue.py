"""The managers' catalogue pages and dated published prices (issue 18; SET-3, REC-8, SET-X3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dealership.catalogue import (
    labour_operation_save,
    part_save,
    price_change_schedule,
    price_changes_apply,
    published_price,
    published_prices,
)
from dealership.models import LabourOperation, Part, PriceChange, Role, SettingChange, WorkOrderLine
from dealership.readiness import requirements
from dealership.services import work_order_add_line
from dealership.tasks import apply_price_changes
from settlement.statement import statement_build
from tests.conftest import login, new_order
from tests.factories import LabourFactory, PartFactory, StoreFactory
from tests.refusals import refused_by, refused_saying

pytestmark = pytest.mark.usefixtures("english")
D = Decimal


def today():
    return timezone.localdate()


def labour_post(client, **extra):
    data = {"code": "BJ01", "name": "更换机油机滤", "trade": "mechanical", "job_type": "maintenance",
            "standard_hours": "0.8", "price": "180", "documentation_url": "https://docs.example.com/bj01",
            "special_tools": "机滤扳手", **extra}
    return client.post(reverse("dealership:catalogue_labour_new"), data)


def add_line(order, item):
    key = "labour_operation" if isinstance(item, LabourOperation) else "part"
    return work_order_add_line(work_order=order, actor=order.advisor, source=WorkOrderLine.Source.RECEPTION,
                               **{key: item})


# --- the pages ---------------------------------------------------------------------------------------------------


def test_a_manager_adds_a_labour_operation_and_it_is_logged(team, manager):
    response = labour_post(login(manager, "en"))
    assert response.status_code == 302
    op = LabourOperation.objects.get(store=team.store, code="BJ01")
    assert op.price == D("180.00") and op.standard_hours == D("0.8") and op.special_tools == "机滤扳手"
    log = SettingChange.objects.filter(model="dealership.labouroperation", object_id=str(op.pk))
    assert {c.field for c in log} >= {"code", "name", "price", "trade"}
    assert all(c.actor == manager and c.store == team.store for c in log)
    page = login(manager, "en").get(reverse("dealership:catalogue_labour"), {"q": "机油"}).content.decode()
    assert "BJ01" in page and "¥180.00" in page


def test_a_manager_adds_and_edits_a_part(team, manager):
    client = login(manager, "en")
    response = client.post(reverse("dealership:catalogue_parts_new"),
                           {"number": "15400-RTA", "name": "机油滤清器", "unit": "个", "price": "45.5"})
    assert response.status_code == 302
    part = Part.objects.get(store=team.store, number="15400-RTA")
    response = client.post(reverse("dealership:catalogue_parts_detail", args=[part.pk]),
                           {"number": "15400-RTA", "name": "机油滤清器(原厂)", "unit": "个"})
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.name == "机油滤清器(原厂)" and part.price == D("45.50")
    change = SettingChange.objects.exclude(old="").get(object_id=str(part.pk), model="dealership.part", field="name")
    assert (change.old, change.new) == ("机油滤清器", "机油滤清器(原厂)")
    # the parts clerk's list of parts and stock still shows it
    assert "机油滤清器(原厂)" in login(team[Role.PARTS_CLERK]).get(reverse("dealership:parts")).content.decode()


def test_a_deactivated_item_is_kept_and_no_longer_offered(team, manager, draft_order, catalogue):
    op = catalogue["labour"]
    client = login(manager, "en")
    assert client.post(reverse("dealership:catalogue_labour_deactivate", args=[op.pk])).status_code == 302
    op.refresh_from_db()
    assert not op.active and LabourOperation.objects.filter(pk=op.pk).exists()
    assert draft_order.lines.filter(labour_operation=op).exists()  # the order keeps it
    fresh = login(manager, "en")  # without the message that names it
    assert op.code not in fresh.get(reverse("dealership:catalogue_labour")).content.decode()
    assert op.code in fresh.get(reverse("dealership:catalogue_labour"), {"status": "all"}).content.decode()
    assert SettingChange.objects.get(object_id=str(op.pk), field="active").new == "inactive"
    client.post(reverse("dealership:catalogue_labour_reactivate", args=[op.pk]))
    op.refresh_from_db()
    assert op.active


@pytest.mark.parametrize("price", ["-1", "123456789012", "abc", "1.234"])
def test_bad_input_is_a_message_on_the_form(team, manager, price):
    response = labour_post(login(manager, "en"), price=price)
    assert response.status_code == 400
    assert 'class="invalid-feedback"' in response.content.decode() or "is-invalid" in response.content.decode()
    assert not LabourOperation.objects.filter(code="BJ01").exists()


@pytest.mark.parametrize("price", ["-1", "123456789012", "abc"])
def test_a_bad_price_change_is_a_message_on_the_form(team, manager, catalogue, price):
    part = catalogue["part"]
    response = login(manager, "en").post(reverse("dealership:catalogue_parts_price", args=[part.pk]),
                                         {"price": price, "effective_from": today().isoformat()})
    assert response.status_code == 400 and "is-invalid" in response.content.decode()
    assert not PriceChange.objects.exists()


def test_a_duplicate_code_is_a_message_not_an_error(team, manager, catalogue):
    response = labour_post(login(manager, "en"), code=catalogue["labour"].code)
    assert response.status_code == 400
    assert "already in the catalogue" in response.content.decode()


def test_a_javascript_link_is_refused_as_documentation(team, manager):
    response = labour_post(login(manager, "en"), documentation_url="javascript:alert(1)")
    assert response.status_code == 400
    assert not LabourOperation.objects.filter(code="BJ01").exists()


@pytest.mark.parametrize("role", [Role.SERVICE_ADVISOR, Role.PARTS_CLERK, Role.CASHIER])
def test_only_managers_keep_the_catalogue(team, catalogue, role):
    client = login(team[role])
    part = catalogue["part"]
    assert client.get(reverse("dealership:catalogue_parts")).status_code == 403
    assert labour_post(client).status_code == 403
    response = client.post(reverse("dealership:catalogue_parts_price", args=[part.pk]),
                           {"price": "1", "effective_from": today().isoformat()})
    assert response.status_code == 403
    assert client.post(reverse("dealership:catalogue_parts_deactivate", args=[part.pk])).status_code == 403
    part.refresh_from_db()
    assert part.price == D("680.00") and part.active


def test_another_stores_item_is_a_404(team, other_team, catalogue):
    client = login(other_team[Role.AFTERSALES_MANAGER])
    op = catalogue["labour"]
    assert client.get(reverse("dealership:catalogue_labour_detail", args=[op.pk])).status_code == 404
    assert client.post(reverse("dealership:catalogue_labour_price", args=[op.pk]),
                       {"price": "1", "effective_from": today().isoformat()}).status_code == 404


def test_the_readiness_checklist_points_at_the_catalogue_page():
    requirement = next(r for r in requirements() if r.key == "labour_operations")
    assert requirement.url_name == "dealership:catalogue_labour"


def test_the_list_pages_through_many_items(team, manager, django_assert_max_num_queries):
    client = login(manager, "en")
    LabourFactory.create_batch(5, store=team.store)
    with django_assert_max_num_queries(14):
        small = client.get(reverse("dealership:catalogue_labour"))
    LabourFactory.create_batch(40, store=team.store)
    with django_assert_max_num_queries(14):
        big = client.get(reverse("dealership:catalogue_labour"))
    assert small.status_code == big.status_code == 200
    assert "Page 1 of 2" in big.content.decode()


# --- dated prices ----------------------------------------------------------------------------------------------


def test_rec8_setx3_a_price_change_leaves_quoted_orders_unchanged(team, manager, draft_order, catalogue):
    op, part = catalogue["labour"], catalogue["part"]
    quoted = {line.pk: (line.unit_price, line.amount) for line in draft_order.lines.all()}
    total = draft_order.total
    for item in (op, part):
        price_change_schedule(actor=manager, item=item, price=D("999"), effective_from=today())
    draft_order.refresh_from_db()
    assert {line.pk: (line.unit_price, line.amount) for line in draft_order.lines.all()} == quoted
    assert draft_order.total == total
    statement = statement_build(draft_order)
    assert statement.quoted == total and statement.published == {}  # quoted at the published price of its day


def test_set3_a_line_quoted_after_the_effective_day_gets_the_new_price(team, manager, vehicle, catalogue):
    op = catalogue["labour"]
    tomorrow = today() + timedelta(days=1)
    price_change_schedule(actor=manager, item=op, price=D("300"), effective_from=tomorrow, reason="厂家调价")
    before = new_order(team, vehicle, catalogue)
    assert before.lines.get(labour_operation=op).unit_price == D("280.00")  # not yet
    op.refresh_from_db()
    assert op.price == D("280.00")
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        after = new_order(team, vehicle, catalogue)  # even before the nightly task has moved the price
        assert after.lines.get(labour_operation=op).unit_price == D("300.00")
        assert before.lines.get(labour_operation=op).unit_price == D("280.00")
        assert statement_build(before).published == {} and statement_build(after).published == {}


def test_set3_a_change_dated_in_the_past_is_refused(team, manager, catalogue):
    """SET-X3 (refused): the published prices are kept: a price change dated in the past, which would rewrite
    the published price orders of that day were quoted at, is refused (SET-3) by the service and on the page,
    and nothing is saved. (A catalogue line priced by hand is not refused: the statement shows the published
    price beside it, test_set3_the_statement_shows_the_published_price_where_the_billed_price_differs.)"""
    with refused_by("SET-3"):
        price_change_schedule(actor=manager, item=catalogue["part"], price=D("1"),
                              effective_from=today() - timedelta(days=1))
    response = login(manager, "en").post(reverse("dealership:catalogue_parts_price", args=[catalogue["part"].pk]),
                                         {"price": "1", "effective_from": (today() - timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "today or later" in response.content.decode()
    assert not PriceChange.objects.exists()


def test_set3_the_published_price_of_each_day_across_two_changes(team, manager, catalogue):
    part = catalogue["part"]  # 680.00 since it was added
    d0 = today()
    price_change_schedule(actor=manager, item=part, price=D("700"), effective_from=d0 + timedelta(days=3))
    price_change_schedule(actor=manager, item=part, price=D("650"), effective_from=d0 + timedelta(days=10))
    expected = {d0 - timedelta(days=400): D("680"), d0: D("680"), d0 + timedelta(days=2): D("680"),
                d0 + timedelta(days=3): D("700"), d0 + timedelta(days=9): D("700"),
                d0 + timedelta(days=10): D("650"), d0 + timedelta(days=900): D("650")}
    assert {day: published_price(part, on=day) for day in expected} == expected
    other = PartFactory(store=team.store, price=D("12"))
    assert published_prices([part, other, catalogue["labour"]], on=d0 + timedelta(days=5)) == {
        part: D("700"), other: D("12"), catalogue["labour"]: D("280")}
    # the same day again replaces that day's price
    price_change_schedule(actor=manager, item=part, price=D("710"), effective_from=d0 + timedelta(days=3))
    assert published_price(part, on=d0 + timedelta(days=4)) == D("710")
    assert PriceChange.objects.filter(part=part).count() == 3  # the first price, and two days


def test_set3_the_nightly_task_moves_the_price_of_today_and_runs_twice_safely(team, manager, catalogue):
    op = catalogue["labour"]
    price_change_schedule(actor=manager, item=op, price=D("320"), effective_from=today() + timedelta(days=1))
    assert apply_price_changes() == 0
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert apply_price_changes() == 1
        assert price_changes_apply() == 0
    op.refresh_from_db()
    assert op.price == D("320.00")


def test_set3_a_change_dated_today_moves_the_price_at_once(team, manager, catalogue):
    op = catalogue["labour"]
    price_change_schedule(actor=manager, item=op, price=D("299.5"), effective_from=today())
    op.refresh_from_db()
    assert op.price == D("299.50")


def test_every_price_change_is_logged_with_old_and_new(team, manager, catalogue):
    op = catalogue["labour"]
    day = today() + timedelta(days=7)
    response = login(manager, "en").post(reverse("dealership:catalogue_labour_price", args=[op.pk]),
                                         {"price": "310", "effective_from": day.isoformat(), "reason": "厂家调价"})
    assert response.status_code == 302
    change = SettingChange.objects.get(object_id=str(op.pk), model="dealership.labouroperation", field="price")
    assert change.actor == manager and change.store == team.store
    assert change.old == f"280.00 from {day.isoformat()}" and change.new == f"310.00 from {day.isoformat()}"
    page = login(manager, "en").get(reverse("dealership:catalogue_labour_detail", args=[op.pk])).content.decode()
    assert "厂家调价" in page and "¥310.00" in page and "scheduled" in page


def test_set3_the_statement_shows_the_published_price_where_the_billed_price_differs(team, manager, draft_order,
                                                                                     catalogue):
    line = draft_order.lines.get(labour_operation=catalogue["labour"])
    WorkOrderLine.objects.filter(pk=line.pk).update(unit_price=D("250.00"), amount=D("250.00"))  # priced by hand
    price_change_schedule(actor=manager, item=catalogue["labour"], price=D("400"),
                          effective_from=today() + timedelta(days=1))
    data = statement_build(draft_order)
    assert data.published == {line.pk: D("280.00")}  # that of the day it was quoted, not a later one


# --- the service the import calls ------------------------------------------------------------------------------


def test_saving_the_same_row_twice_changes_nothing(team, manager):
    row = {"code": "BY10", "name": "一万公里保养", "trade": "mechanical", "job_type": "maintenance",
           "standard_hours": D("1.5"), "price": D("380")}
    op, changed = labour_operation_save(actor=manager, store=team.store, **row)
    assert changed
    logged = SettingChange.objects.count()
    again, changed = labour_operation_save(actor=manager, store=team.store, **row)
    assert again.pk == op.pk and not changed and SettingChange.objects.count() == logged
    assert not PriceChange.objects.exists()
    # a new price in the next file: a price change from the day given
    day = today() + timedelta(days=2)
    _, changed = labour_operation_save(actor=manager, store=team.store, **{**row, "price": D("400")},
                                       price_from=day)
    assert changed and published_price(again, on=day) == D("400") and published_price(again) == D("380")


def test_a_part_row_with_a_bad_price_is_refused_with_its_field(team, manager):
    with refused_saying("A price cannot be negative.") as info:
        part_save(actor=manager, store=team.store, number="X1", name="x", unit="个", price="-3")
    assert info.value.field == "price"


def test_a_group_manager_adds_an_item_in_a_store_of_the_group(team, group_manager):
    second = StoreFactory(group=team.store.group)
    response = labour_post(login(group_manager, "en"), **{"in-store": second.pk})
    assert response.status_code == 302
    assert LabourOperation.objects.get(code="BJ01").store == second


def test_set3_the_statement_page_and_paper_show_the_published_price_beside_a_hand_priced_line(team, order_in,
                                                                                             catalogue):
    from django.template.loader import render_to_string

    from settlement.models import Statement

    order = order_in("settled")
    line = order.lines.get(part=catalogue["part"])
    WorkOrderLine.objects.filter(pk=line.pk).update(unit_price=D("600.00"), amount=D("600.00"))
    page = login(team[Role.CASHIER], "en").get(reverse("settlement:order", args=[order.pk])).content.decode()
    assert f'data-testid="published-{line.pk}"' in page and "¥680.00" in page
    paper = render_to_string("print/statement.html", {
        "order": order, "store": order.store, "statement": Statement.objects.get(work_order=order, superseded=False),
        "data": statement_build(order), "payments": [], "mileage": 0, "printed_at": timezone.now()})
    assert "published price on" in paper and "¥680.00" in paper
