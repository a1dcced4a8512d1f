"""Stock counts (盘点) and write-offs (issue 19): differences are booked only on
a manager's approval with a reason, at the moving average cost, never blindly
for a part that moved while it was counted; returns and scrapping leave free
stock only (APT-8: the appointment shelf keeps what it promised)."""

import re
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from dealership.models import Part, Role
from dealership.moneycheck import check_money
from supply.counting import (
    MAX_LINES,
    count_approve,
    count_cancel,
    count_differences,
    count_record,
    count_send_back,
    count_start,
    count_submit,
)
from supply.ledger import stock_move
from supply.models import PartSupply, StockCount, StockMove, Supplier
from supply.writeoffs import stock_return_to_supplier, stock_scrap

from ..factories import PartFactory
from ..refusals import refused_by, refused_saying

C = StockCount.Status
K = StockMove.Kind


@pytest.fixture
def clerk(team):
    return team[Role.PARTS_CLERK]


@pytest.fixture
def boss(team):
    return team[Role.PARTS_MANAGER]


@pytest.fixture
def shelf(team):
    """Three parts on shelf A (5 pads at 400 apiece, 10 filters at 30, 4 litres of oil at 50) and one on B."""
    parts = [PartFactory(store=team.store, number="A-100"),
             PartFactory(store=team.store, number="A-200", name="机油滤清器", on_hand=Decimal("10"),
                         stock_value=Decimal("300.00")),
             PartFactory(store=team.store, number="A-300", name="机油", unit="升", on_hand=Decimal("4"),
                         stock_value=Decimal("200.00")),
             PartFactory(store=team.store, number="B-100", name="雨刮")]
    for part, where in zip(parts, ("A-01-1", "A-01-2", "A-02-1", "B-01-1"), strict=True):
        PartSupply.objects.create(store=team.store, part=part, location=where)
    return parts


def starts(message: str) -> re.Pattern:
    """The refusal's message up to its first placeholder, in the language of the test."""
    return re.compile("^" + re.escape(_(message).split("%(")[0]))


def counted(count, actor, figures):
    for line in count.lines.select_related("part"):
        count_record(actor=actor, line=line, counted=figures.get(line.part.number, line.expected))


def test_a_count_takes_the_parts_of_the_location_with_the_stock_of_the_moment(team, clerk, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    assert count.status == C.COUNTING and count.number.startswith("PD-")
    assert {(line.part.number, line.location, line.expected) for line in count.lines.all()} == {
        ("A-100", "A-01-1", 5), ("A-200", "A-01-2", 10), ("A-300", "A-02-1", 4)}


def test_a_count_by_part_number_range_is_inclusive(team, clerk, shelf):
    count = count_start(actor=clerk, store=team.store, number_from="A-200", number_to="B-100")
    assert sorted(line.part.number for line in count.lines.all()) == ["A-200", "A-300", "B-100"]


def test_an_empty_range_a_part_in_another_open_count_and_a_huge_range_are_refused(team, clerk, shelf):
    with refused_saying(_("Nothing to count: no active part in this range.")):
        count_start(actor=clerk, store=team.store, location_prefix="Z-")
    count_start(actor=clerk, store=team.store, location_prefix="A-01")
    with refused_saying(starts("Already in an open count: %(parts)s (count %(count)s). Finish or cancel that count first, or "
                                "choose another range.")):
        count_start(actor=clerk, store=team.store, number_from="A-100", number_to="A-100")
    Part.objects.bulk_create([Part(store=team.store, number=f"Z{n:05d}", name="螺丝", price=1)
                              for n in range(MAX_LINES + 1)])
    with refused_saying(starts("More than %(max)s parts in this range: count a narrower range (a location or a span of part "
                                "numbers) at a time.")):
        count_start(actor=clerk, store=team.store, number_from="Z")


def test_a_count_is_booked_only_on_approval_with_a_reason(team, clerk, boss, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    counted(count, clerk, {"A-100": 4, "A-200": 12})
    assert Part.objects.get(number="A-100").on_hand == 5  # recorded, not booked
    count_submit(actor=clerk, count=count)
    assert Part.objects.get(number="A-100").on_hand == 5
    with refused_saying(_("Give the reason for the differences before booking them.")):
        count_approve(manager=boss, count=count, reason=" ")
    with refused_saying(_("Only the parts manager or the after-sales manager approves a stock count.")):
        count_approve(manager=clerk, count=count, reason="盘亏")
    count_approve(manager=boss, count=count, reason="刹车片破损未登记; 滤清器上次收货少记")
    count.refresh_from_db()
    assert count.status == C.BOOKED and count.approved_by == boss and count.reason.startswith("刹车片")
    pads, filters, oil = (Part.objects.get(number=n) for n in ("A-100", "A-200", "A-300"))
    assert (pads.on_hand, pads.stock_value) == (4, Decimal("1600.00"))
    assert (filters.on_hand, filters.stock_value) == (12, Decimal("360.00"))
    assert oil.on_hand == 4  # no difference, no move
    moves = StockMove.objects.filter(kind=K.ADJUST).order_by("part__number")
    assert [(m.part.number, m.quantity, m.value) for m in moves] == [
        ("A-100", -1, Decimal("-400.00")), ("A-200", 2, Decimal("60.00"))]
    assert all(count.number in m.note for m in moves)
    assert check_money().ok


def test_the_review_values_each_difference_at_the_average_cost(team, clerk, boss, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    counted(count, clerk, {"A-100": 3, "A-300": "4.5"})
    count_submit(actor=clerk, count=count)
    rows, total = count_differences(count)
    assert [(line.part.number, line.difference, value) for line, value in rows] == [
        ("A-100", -2, Decimal("-800.00")), ("A-300", Decimal("0.5"), Decimal("25.00"))]
    assert total == Decimal("-775.00")


def test_a_count_without_differences_needs_no_reason(team, clerk, boss, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="B")
    counted(count, clerk, {})
    count_submit(actor=clerk, count=count)
    count_approve(manager=boss, count=count)
    assert not StockMove.objects.filter(kind=K.ADJUST).exists()


def test_a_manager_does_not_approve_a_difference_they_counted_themselves(team, boss, shelf):
    count = count_start(actor=boss, store=team.store, location_prefix="B")
    counted(count, boss, {"B-100": 0})
    count_submit(actor=boss, count=count)
    with refused_saying(_("You counted some of these differences yourself: another manager approves them.")):
        count_approve(manager=boss, count=count, reason="丢失")
    count_approve(manager=team[Role.AFTERSALES_MANAGER], count=count, reason="丢失")
    part = Part.objects.get(number="B-100")
    assert (part.on_hand, part.stock_value) == (0, 0)  # the last one out takes the whole value


def test_a_count_on_a_part_being_issued_is_not_booked_blindly_and_goes_back_to_be_recounted(team, clerk, boss,
                                                                                            shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    counted(count, clerk, {"A-100": 5, "A-200": 9})
    pads = Part.objects.get(number="A-100")
    stock_move(part_id=pads.pk, quantity=Decimal(-2), kind=K.ISSUE, actor=clerk)  # issued while being counted
    count_submit(actor=clerk, count=count)
    with refused_saying(starts(
            "These parts moved since the count began (issued or received while being counted), so their count "
            "cannot be booked: %(parts)s. Send the count back to recount them.")) as refused:
        count_approve(manager=boss, count=count, reason="盘点")
    assert "A-100" in str(refused.value) and "A-200" not in str(refused.value)
    assert Part.objects.get(number="A-200").on_hand == 10  # nothing booked
    again = count_send_back(manager=boss, count=count)
    assert [line.part.number for line in again] == ["A-100"]
    count.refresh_from_db()
    assert count.status == C.COUNTING
    line = count.lines.get(part=pads)
    assert (line.expected, line.counted) == (3, None)
    assert count.lines.get(part__number="A-200").counted == 9  # the rest stays as counted
    with refused_saying(_("%(n)s parts are not counted yet: count every line (0 when the shelf is empty) before "
                          "submitting.") % {"n": 1}):
        count_submit(actor=clerk, count=count)
    count_record(actor=clerk, line=line, counted=3)
    count_submit(actor=clerk, count=count)
    count_approve(manager=boss, count=count, reason="滤清器少一个")
    assert Part.objects.get(number="A-100").on_hand == 3
    assert Part.objects.get(number="A-200").on_hand == 9
    assert check_money().ok


def test_the_manager_may_send_chosen_lines_back_to_be_recounted(team, clerk, boss, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    counted(count, clerk, {"A-100": 50})
    count_submit(actor=clerk, count=count)
    line = count.lines.get(part__number="A-100")
    assert [x.pk for x in count_send_back(manager=boss, count=count, recount=[line.pk])] == [line.pk]
    line.refresh_from_db()
    assert line.counted is None


@pytest.mark.parametrize(("figure", "message"), [
    ("-1", "A count cannot be below zero."),
    ("1.5", "%(part)s is counted in whole %(unit)s."),
    ("abc", "Enter the quantity as a number."),
    ("1.234", "Quantities go to two decimals at most."),
])
def test_bad_counts_are_refused_with_a_clear_message(team, clerk, shelf, figure, message):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-01-1")
    line = count.lines.get()
    with refused_saying(_(message) % {"part": line.part.name, "unit": line.part.unit}):
        count_record(actor=clerk, line=line, counted=figure)


def test_zero_and_litres_in_hundredths_are_valid_counts(team, clerk, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    lines = {line.part.number: line for line in count.lines.select_related("part")}
    assert count_record(actor=clerk, line=lines["A-100"], counted="0").counted == 0
    assert count_record(actor=clerk, line=lines["A-300"], counted="3.75").counted == Decimal("3.75")
    assert count_record(actor=clerk, line=lines["A-300"], counted="").counted is None


def test_a_cancelled_count_takes_no_entry_and_frees_its_parts(team, clerk, boss, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="A-")
    count_cancel(actor=clerk, count=count)
    with refused_saying(_("Stock count %(number)s is %(status)s: reload the page to see where it stands.") % {
            "number": count.number, "status": _("Cancelled")}):
        count_record(actor=clerk, line=count.lines.first(), counted=1)
    with refused_saying(_("Stock count %(number)s is %(status)s: reload the page to see where it stands.") % {
            "number": count.number, "status": _("Cancelled")}):
        count_submit(actor=clerk, count=count)
    count_start(actor=clerk, store=team.store, location_prefix="A-")  # the parts may be counted again


def test_only_a_manager_cancels_a_submitted_count(team, clerk, boss, shelf):
    count = count_start(actor=clerk, store=team.store, location_prefix="B")
    counted(count, clerk, {})
    count_submit(actor=clerk, count=count)
    with refused_saying(_("Only the parts manager or the after-sales manager approves a stock count.")):
        count_cancel(actor=clerk, count=count)
    count_cancel(actor=boss, count=count)


def test_others_do_not_count(team, shelf):
    with refused_saying(_("Only the parts department counts stock.")):
        count_start(actor=team[Role.SERVICE_ADVISOR], store=team.store)


# Write-offs


@pytest.fixture
def supplier(team, shelf):
    """The shelf parts' usual supplier."""
    found = Supplier.objects.create(store=team.store, name="广州配件中心")
    PartSupply.objects.filter(part__in=shelf).update(supplier=found)
    return found


def test_a_return_to_the_supplier_is_one_ledger_move_at_average_cost_with_its_reason(team, clerk, shelf,
                                                                                       supplier):
    pads = shelf[0]
    stranger = Supplier.objects.create(store=team.store, name="本地汽配城")
    with refused_saying(re.compile("本地汽配城")):  # it never delivered the pads: they go back where they came from
        stock_return_to_supplier(actor=clerk, part=pads, quantity=2, supplier=stranger, reason="型号发错")
    move = stock_return_to_supplier(actor=clerk, part=pads, quantity=2, supplier=supplier, reason="型号发错")
    assert (move.kind, move.quantity, move.value) == (K.SUPPLIER_RETURN, -2, Decimal("-800.00"))
    assert supplier.name in move.note and "型号发错" in move.note
    pads.refresh_from_db()
    assert (pads.on_hand, pads.stock_value) == (3, Decimal("1200.00"))
    assert check_money().ok


def test_scrap_needs_a_reason_and_a_sound_quantity(team, clerk, shelf):
    pads = shelf[0]
    with refused_saying(_("Give the reason.")):
        stock_scrap(actor=clerk, part=pads, quantity=1, reason="  ")
    with refused_saying(_("%(part)s is counted in whole %(unit)s.") % {"part": pads.name, "unit": pads.unit}):
        stock_scrap(actor=clerk, part=pads, quantity="0.5", reason="破损")
    with refused_saying(_("The quantity must be more than zero.")):
        stock_scrap(actor=clerk, part=pads, quantity=-1, reason="破损")
    move = stock_scrap(actor=clerk, part=pads, quantity=1, reason="破损")
    assert (move.kind, move.quantity, move.value, move.note) == (K.SCRAP, -1, Decimal("-400.00"), "破损")


def test_apt8_write_offs_never_take_the_appointment_shelf(team, clerk, shelf, supplier):
    pads = shelf[0]
    Part.objects.filter(pk=pads.pk).update(reserved=4)
    with refused_by("APT-8", match="1"):
        stock_scrap(actor=clerk, part=pads, quantity=2, reason="破损")
    with refused_by("APT-8"):
        stock_return_to_supplier(actor=clerk, part=pads, quantity=2, supplier=supplier, reason="退货")
    stock_scrap(actor=clerk, part=pads, quantity=1, reason="破损")
    pads.refresh_from_db()
    assert (pads.on_hand, pads.reserved) == (4, 4)


# The pages


def test_the_pages_run_a_count_blind_for_the_counter_and_with_differences_for_the_manager(team, clerk, boss, shelf):
    from django.urls import reverse

    from ..conftest import login

    counter = login(clerk, "en")
    response = counter.post(reverse("supply:counts"), {"location": "A-01"})
    count = StockCount.objects.get()
    assert response.status_code == 302 and response.url == reverse("supply:count", args=[count.pk])
    page = counter.get(response.url)
    assert page.status_code == 200 and "A-100" in page.text
    assert "In the system" not in page.text  # counted blind
    lines = {line.part.number: line for line in count.lines.select_related("part")}
    row = counter.post(reverse("supply:count_line", args=[count.pk, lines["A-100"].pk]), {"counted": "1.5"},
                       headers={"HX-Request": "true"})
    assert row.status_code == 422 and "counted in whole" in row.text
    row = counter.post(reverse("supply:count_line", args=[count.pk, lines["A-100"].pk]), {"counted": "3"},
                       headers={"HX-Request": "true"})
    assert row.status_code == 200 and 'value="3"' in row.text
    refused = counter.post(reverse("supply:count_submit", args=[count.pk]))
    assert refused.status_code == 400 and "not counted yet" in refused.text
    counter.post(reverse("supply:count_line", args=[count.pk, lines["A-200"].pk]), {"counted": "10"})
    assert counter.post(reverse("supply:count_submit", args=[count.pk])).status_code == 302
    assert "In the system" not in counter.get(reverse("supply:count", args=[count.pk])).text
    assert counter.post(reverse("supply:count_approve", args=[count.pk]), {"reason": "x"}).status_code == 403

    manager = login(boss, "en")
    review = manager.get(reverse("supply:count", args=[count.pk]))
    assert "In the system" in review.text and "-¥800.00" in review.text
    missing = manager.post(reverse("supply:count_approve", args=[count.pk]), {"reason": ""})
    assert missing.status_code == 400 and "Give the reason for the differences" in missing.text
    assert manager.post(reverse("supply:count_approve", args=[count.pk]), {"reason": "破损"}).status_code == 302
    assert Part.objects.get(number="A-100").on_hand == 3


def test_the_write_off_page_refuses_bad_input_on_the_form_and_books_a_scrap(team, clerk, shelf):
    from django.urls import reverse

    from ..conftest import login

    client = login(clerk, "en")
    url = reverse("supply:writeoffs")
    for data, said in (({"kind": K.SCRAP, "part": "NOPE", "quantity": "1", "reason": "破损"}, "No part NOPE"),
                       ({"kind": K.SCRAP, "part": "A-100", "quantity": "0.5", "reason": "破损"}, "whole"),
                       ({"kind": K.SCRAP, "part": "A-100", "quantity": "-2", "reason": "破损"}, "more than zero"),
                       ({"kind": K.SUPPLIER_RETURN, "part": "A-100", "quantity": "1", "reason": "退"},
                        "Choose the supplier")):
        response = client.post(url, data)
        assert response.status_code == 400 and said in response.text, said
    assert client.post(url, {"kind": K.SCRAP, "part": "A-100", "quantity": "2", "reason": "破损"}).status_code == 302
    page = client.get(url)
    assert "破损" in page.text and "-¥800.00" in page.text
    assert login(team[Role.SERVICE_ADVISOR]).post(url, {}).status_code == 403


def test_the_review_names_a_part_issued_while_counted_and_the_page_sends_it_back(team, clerk, boss, shelf):
    from django.urls import reverse

    from ..conftest import login

    count = count_start(actor=clerk, store=team.store, location_prefix="A-01")
    counted(count, clerk, {"A-100": 5})
    stock_move(part_id=shelf[0].pk, quantity=Decimal(-1), kind=K.ISSUE, actor=clerk)
    count_submit(actor=clerk, count=count)
    manager = login(boss, "en")
    review = manager.get(reverse("supply:count", args=[count.pk]))
    assert 'data-testid="moved"' in review.text and "5 when the count began, 4 now" in review.text
    refused = manager.post(reverse("supply:count_approve", args=[count.pk]), {"reason": "盘点"})
    assert refused.status_code == 400 and "These parts moved since the count began" in refused.text
    other = count.lines.get(part__number="A-200")
    sent = manager.post(reverse("supply:count_send_back", args=[count.pk]), {"recount": [str(other.pk), "9" * 40]})
    assert sent.status_code == 302
    count.refresh_from_db()
    assert count.status == C.COUNTING
    assert set(count.lines.filter(counted=None).values_list("part__number", flat=True)) == {"A-100", "A-200"}
    assert count.lines.get(part__number="A-100").expected == 4
