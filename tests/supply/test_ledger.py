"""The stock ledger (issue 19): a part's stock and value are the sums of its
moves, at the moving average cost; `check_money` says where they are not,
and two clerks moving the same part at the same moment count nothing twice
(REP-9: stock never goes below zero)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealership.models import Part, Role
from dealership.moneycheck import check_money
from supply.counting import count_approve, count_record, count_start, count_submit
from supply.ledger import NotEnoughStock, average_cost, stock_move
from supply.models import StockMove

from ..concurrency import at_once
from ..conftest import Team
from ..factories import PartFactory, StoreFactory

K = StockMove.Kind


def run_check() -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("check_money", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


@pytest.fixture
def part(team):
    return PartFactory(store=team.store, number="LG-1", on_hand=0, stock_value=0)


def receive(part, quantity, cost, actor=None):
    return stock_move(part_id=part.pk, quantity=Decimal(quantity), kind=K.RECEIPT, actor=actor,
                      unit_cost=Decimal(cost))


def issue(part, quantity, actor=None):
    return stock_move(part_id=part.pk, quantity=-Decimal(quantity), kind=K.ISSUE, actor=actor)


def test_the_moving_average_of_two_receipts_values_what_goes_out(part):
    receive(part, 2, 10)
    receive(part, 2, 20)
    part.refresh_from_db()
    assert (part.on_hand, part.stock_value, average_cost(part)) == (4, Decimal("60.00"), Decimal("15.0000"))
    assert issue(part, 3).value == Decimal("-45.00")
    assert issue(part, 1).value == Decimal("-15.00")
    part.refresh_from_db()
    assert (part.on_hand, part.stock_value) == (0, 0)


def test_the_last_one_out_takes_the_rest_of_the_value_exactly(part):
    receive(part, 3, "3.33")  # 9.99 for three
    receive(part, 1, "0.01")  # 10.00 for four: 2.50 each
    receive(part, 2, "1.00")  # 12.00 for six: 2.00 each... but with rounding on the way
    values = [issue(part, 1).value for _i in range(5)]
    last = issue(part, 1).value
    assert sum(values) + last == Decimal("-12.00")
    part.refresh_from_db()
    assert (part.on_hand, part.stock_value) == (0, 0)


def test_the_ledger_check_passes_after_receipts_issues_and_counts(team, part):
    receive(part, 5, "12.50", team[Role.PARTS_CLERK])
    issue(part, 2, team[Role.PARTS_CLERK])
    count = count_start(actor=team[Role.PARTS_CLERK], store=team.store, number_from="LG-1", number_to="LG-1")
    count_record(actor=team[Role.PARTS_CLERK], line=count.lines.get(), counted=2)
    count_submit(actor=team[Role.PARTS_CLERK], count=count)
    count_approve(manager=team[Role.PARTS_MANAGER], count=count, reason="少一个")
    ok, out = run_check()
    assert ok, out
    assert "parts in stock" in out


def test_the_ledger_check_finds_a_stock_changed_by_hand(team, part):
    receive(part, 5, 10)
    Part.objects.filter(pk=part.pk).update(on_hand=7)
    ok, out = run_check()
    assert not ok
    assert "LG-1" in out and "stock quantity" in out
    assert [(d.what, d.stored, d.recomputed) for d in check_money().differences] == [
        ("stock quantity", 7, 5)]


def test_the_ledger_check_finds_a_value_changed_by_hand(team, part):
    receive(part, 5, 10)
    Part.objects.filter(pk=part.pk).update(stock_value=Decimal("49.99"))
    ok, out = run_check()
    assert not ok
    assert "LG-1" in out and "stock value" in out
    assert [(d.what, d.stored, d.recomputed) for d in check_money().differences] == [
        ("stock value", Decimal("49.99"), Decimal("50.00"))]


moves = st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=9),
                           st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)),
                 min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=moves)
def test_any_sequence_of_moves_keeps_the_part_equal_to_its_ledger(team, steps):
    part = PartFactory(store=team.store, on_hand=0, stock_value=0)
    for inward, quantity, cost in steps:
        if inward:
            receive(part, quantity, cost)
        else:
            try:
                issue(part, quantity)
            except NotEnoughStock:
                pass
        part.refresh_from_db()
        assert part.on_hand >= 0 and part.stock_value >= 0
        if part.on_hand == 0:
            assert part.stock_value == 0
    ledger = StockMove.objects.filter(part=part)
    assert part.on_hand == sum(m.quantity for m in ledger)
    assert part.stock_value == sum(m.value for m in ledger)
    assert check_money(store_ids=[team.store.pk]).ok


# Two at once, against PostgreSQL (each thread its own connection; on SQLite they queue for the one writer).


@pytest.mark.django_db(transaction=True)
def test_rep9_a_receipt_and_an_issue_of_the_same_part_at_once_count_nothing_twice():
    team = Team(StoreFactory())
    part = PartFactory(store=team.store, on_hand=Decimal("1"), stock_value=Decimal("10.00"))

    def attempt(kind):
        if kind == "in":
            receive(part, 3, "20.00", team[Role.PARTS_CLERK])
        else:
            issue(part, 1, team[Role.PARTS_CLERK])

    assert sorted(at_once(attempt, ["in", "out"])) == ["ok", "ok"]
    part.refresh_from_db()
    assert part.on_hand == 3
    assert StockMove.objects.filter(part=part).count() == 3
    assert check_money(store_ids=[team.store.pk]).ok


@pytest.mark.django_db(transaction=True)
def test_rep9_several_issues_of_the_last_pieces_at_once_never_go_below_zero():
    team = Team(StoreFactory())
    part = PartFactory(store=team.store, on_hand=Decimal("2"), stock_value=Decimal("25.00"))
    results = at_once(lambda _i: issue(part, 1, team[Role.PARTS_CLERK]), range(5))
    assert sorted(results) == ["ok", "ok", "refused", "refused", "refused"]
    part.refresh_from_db()
    assert (part.on_hand, part.stock_value) == (0, 0)
    assert check_money(store_ids=[team.store.pk]).ok


@pytest.mark.django_db(transaction=True)
def test_a_count_approved_while_the_part_is_issued_is_booked_before_or_refused_never_both():
    """The approval locks the counted parts: an issue at the same moment either waits for the booking (and is
    taken from the corrected stock) or comes first, and then the approval names the part to recount."""
    team = Team(StoreFactory())
    part = PartFactory(store=team.store, number="RC-1", on_hand=Decimal("5"), stock_value=Decimal("50.00"))
    count = count_start(actor=team[Role.PARTS_CLERK], store=team.store, number_from="RC-1", number_to="RC-1")
    count_record(actor=team[Role.PARTS_CLERK], line=count.lines.get(), counted=4)
    count_submit(actor=team[Role.PARTS_CLERK], count=count)

    def attempt(what):
        if what == "approve":
            count_approve(manager=team[Role.PARTS_MANAGER], count=count, reason="少一个")
        else:
            issue(part, 1, team[Role.PARTS_CLERK])

    results = at_once(attempt, ["approve", "issue"])
    part.refresh_from_db()
    count.refresh_from_db()
    if count.status == "booked":
        assert sorted(results) == ["ok", "ok"] and part.on_hand == 3
    else:
        assert sorted(results) == ["ok", "refused"] and part.on_hand == 4
    assert check_money(store_ids=[team.store.pk]).ok
