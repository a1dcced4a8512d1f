"""Issue 19: the manager's parts figures: the fill rate (requisitions issued at
once from stock), the cars a missing part held up, the stock's value at cost
and its slow movers."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dealership.models import Part, Role, WorkOrder
from dealership.periods import period_from
from supply.ledger import stock_move
from supply.models import StockMove
from workshop.parts import part_request, part_return, requisition_issue
from workshop.parts_figures import parts_figures

from ..conftest import login
from ..factories import PartFactory
from .helpers import working

S = WorkOrder.Status


@pytest.fixture
def in_repair(order_in, team):
    order = order_in(S.SIGNED)
    working(order, team)
    order.refresh_from_db()
    return order


def test_rep9_the_fill_rate_counts_requisitions_the_counter_could_not_issue_at_once(in_repair, team):
    line = in_repair.lines.get(kind="part")
    clerk, tech = team[Role.PARTS_CLERK], team[Role.TECHNICIAN]
    first = part_request(line=line, quantity=1, technician=tech)
    requisition_issue(requisition=first, clerk=clerk)  # from stock at once
    part_return(line=line, quantity=Decimal(1), actor=clerk, note="装错")  # the line may be drawn again
    part = Part.objects.get(pk=line.part_id)
    stock_move(part_id=part.pk, quantity=-part.available, kind=StockMove.Kind.SCRAP, actor=clerk)  # none left
    second = part_request(line=line, quantity=1, technician=tech)
    assert second.short_when_requested
    stock_move(part_id=part.pk, quantity=Decimal(1), kind=StockMove.Kind.RECEIPT, actor=clerk, unit_cost=Decimal(300))
    requisition_issue(requisition=second, clerk=clerk)
    figures = parts_figures(user=team[Role.AFTERSALES_MANAGER], period=period_from(""))
    store = figures.stores[0]
    assert (store.requisitions, store.at_once, store.short, store.cars_held, store.fill_rate) == (2, 1, 1, 1, 50.0)
    assert store.stock_value == sum(p.stock_value for p in Part.objects.filter(store=team.store, on_hand__gt=0))
    # the margin: two issued, one returned, at the line's price, against the ledger's cost of the same moves
    moves = StockMove.objects.filter(line=line)
    assert store.parts_cost == -sum(m.value for m in moves)
    assert store.parts_revenue == -sum(m.quantity for m in moves) * line.unit_price
    assert store.parts_margin == store.parts_revenue - store.parts_cost


def test_a_part_nothing_took_for_ninety_days_is_a_slow_mover(team):
    with time_machine.travel(timezone.now() - timedelta(days=120)):
        slow = PartFactory(store=team.store, number="SLOW-1", name="旧款雨刮")
        moving = PartFactory(store=team.store, number="MOVE-1", name="机油滤清器")
    stock_move(part_id=moving.pk, quantity=Decimal(-1), kind=StockMove.Kind.SCRAP, actor=team[Role.PARTS_CLERK])
    figures = parts_figures(user=team[Role.AFTERSALES_MANAGER], period=period_from(""))
    assert [p.number for p in figures.slow] == ["SLOW-1"]
    scrapped = StockMove.objects.get(part=moving, kind=StockMove.Kind.SCRAP)
    assert figures.stores[0].written_off == -scrapped.value  # what left without an order, at cost
    assert figures.slow[0].value == slow.stock_value
    assert figures.stores[0].slow_value == slow.stock_value  # the total is the list's
    page = login(team[Role.AFTERSALES_MANAGER]).get(reverse("workshop:parts_figures")).content.decode()
    assert "SLOW-1" in page and "MOVE-1" not in page.split('data-testid="slow-movers"')[1]
