"""Stock counts (盘点, issue 19): a range of parts (a location, a span of part
numbers) counted blind on a tablet, submitted, and booked only when a parts
manager (or the after-sales manager) approves the differences with a reason.

The count keeps, per part, the stock the system showed when it began
(`expected`). A part that moved after that (issued to an order, received)
cannot be booked from the count: its counted figure may or may not include
the move. The approval then refuses and names the parts; `count_send_back`
sends the count back to the counters with those lines cleared and a fresh
`expected`, and the rest of the count stays as it was counted.

Each difference is booked through `supply.ledger.stock_set` (kind ADJUST): the
ledger stays the one door for stock, and `check_money` still agrees."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.messages import list_join, quantity_text
from dealership.models import Part, Role, Store, User

from .doors import STOCK_COUNT
from .ledger import money, quantity_check, stock_set
from .models import PartSupply, StockCount, StockCountLine, StockMove

C = StockCount.Status
COUNTERS = (Role.PARTS_CLERK, Role.PARTS_MANAGER, Role.AFTERSALES_MANAGER)
APPROVERS = (Role.PARTS_MANAGER, Role.AFTERSALES_MANAGER)
OPEN = (C.COUNTING, C.SUBMITTED)
MAX_LINES = 1000  # one tablet session; a larger range is split


def _may_count(actor: User) -> None:
    if not actor.has_role(*COUNTERS):
        raise ProcessError(_("Only the parts department counts stock."))


def _may_approve(actor: User) -> None:
    if not actor.has_role(*APPROVERS):
        raise ProcessError(_("Only the parts manager or the after-sales manager approves a stock count."))


def _names(parts) -> str:
    return list_join(f"{p.number} {p.name}" for p in parts)


def count_parts(*, store: Store, location_prefix: str = "", number_from: str = "", number_to: str = ""):
    """The store's active parts in the range: location starting with the prefix, part numbers between the two
    (inclusive), whichever are given."""
    parts = Part.objects.filter(store=store, active=True)
    if location_prefix:
        parts = parts.filter(supply__location__istartswith=location_prefix)
    if number_from:
        parts = parts.filter(number__gte=number_from)
    if number_to:
        parts = parts.filter(number__lte=number_to)
    return parts


def count_start(*, actor: User, store: Store, location_prefix: str = "", number_from: str = "",
                number_to: str = "") -> StockCount:
    """Open a count of the parts in the range, each line with the stock the system shows now. Refused for an
    empty range, more than MAX_LINES parts, or a part already in another open count (two counts of one part
    would book its difference twice)."""
    _may_count(actor)
    location_prefix, number_from, number_to = location_prefix.strip(), number_from.strip(), number_to.strip()
    if number_from and number_to and number_from > number_to:
        raise ProcessError(_("The first part number comes after the last one."), field="number_to")
    with transaction.atomic():
        # The parts' rows are locked so that two counts started at the same moment cannot both take a part.
        parts = list(count_parts(store=store, location_prefix=location_prefix, number_from=number_from,
                                 number_to=number_to).select_for_update().order_by("pk")[:MAX_LINES + 1])
        if not parts:
            raise ProcessError(_("Nothing to count: no active part in this range."))
        if len(parts) > MAX_LINES:
            raise ProcessError(_("More than %(max)s parts in this range: count a narrower range (a location or a "
                                 "span of part numbers) at a time.") % {"max": MAX_LINES})
        busy = (StockCountLine.objects.filter(part__in=parts, count__status__in=OPEN)
                .select_related("part", "count").order_by("part__number"))
        if busy:
            raise ProcessError(_("Already in an open count: %(parts)s (count %(count)s). Finish or cancel that "
                                 "count first, or choose another range.") % {
                "parts": _names([line.part for line in busy[:5]]) + ("…" if len(busy) > 5 else ""),
                "count": busy[0].count.number})
        locations = dict(PartSupply.objects.filter(part__in=parts).values_list("part_id", "location"))
        count = _create(store=store, location=location_prefix, number_from=number_from, number_to=number_to,
                        created_by=actor)
        StockCountLine.objects.bulk_create([
            StockCountLine(store=store, count=count, part=part, location=locations.get(part.pk, ""),
                           expected=part.on_hand) for part in parts], batch_size=1000)
    return count


def _create(*, store: Store, **fields) -> StockCount:
    """The count numbered PD-<year>-<n> through the store's year; two started at the same moment take the next
    number (the unique constraint settles the race)."""
    year = timezone.localdate().year
    taken = StockCount.objects.filter(store=store, number__startswith=f"PD-{year}-").count()
    for n in range(taken + 1, taken + 20):
        try:
            with transaction.atomic():
                return StockCount.objects.create(store=store, number=f"PD-{year}-{n:04d}", **fields)
        except IntegrityError:
            continue
    raise ProcessError(_("Could not number the count: try again."))


def counted_check(part: Part, counted, *, field: str = "counted") -> Decimal:
    """A counted quantity: zero or more, in hundredths at most, whole for parts counted in pieces (the ledger's
    quantity rules, where zero is a valid count)."""
    try:
        value = Decimal(str(counted).strip())
    except (ArithmeticError, TypeError, ValueError):
        raise ProcessError(_("Enter the quantity as a number."), field=field) from None
    if not value.is_finite():
        raise ProcessError(_("Enter the quantity as a number."), field=field)
    if value < 0:
        raise ProcessError(_("A count cannot be below zero."), field=field)
    if value == 0:
        return Decimal(0)
    return quantity_check(part, value, field=field)


def _locked(count: StockCount) -> StockCount:
    return StockCount.objects.select_for_update().get(pk=count.pk)


def _refuse_unless(count: StockCount, *statuses: str) -> None:
    if count.status not in statuses:
        raise ProcessError(_("Stock count %(number)s is %(status)s: reload the page to see where it stands.") % {
            "number": count.number, "status": count.get_status_display()})


def count_record(*, actor: User, line: StockCountLine, counted) -> StockCountLine:
    """What the counter found on the shelf for one line (the tablet's entry); blank clears it."""
    _may_count(actor)
    blank = counted is None or str(counted).strip() == ""
    with transaction.atomic():
        count = _locked(line.count)
        _refuse_unless(count, C.COUNTING)
        line = StockCountLine.objects.select_related("part").get(pk=line.pk, count=count)
        value = None if blank else counted_check(line.part, counted)
        line.counted = value
        line.counted_by = None if blank else actor
        line.counted_at = None if blank else timezone.now()
        line.save(update_fields=["counted", "counted_by", "counted_at"])
    return line


def count_submit(*, actor: User, count: StockCount) -> StockCount:
    """The counters are done: every line counted."""
    _may_count(actor)
    with transaction.atomic():
        count = _locked(count)
        _refuse_unless(count, C.COUNTING)
        left = count.lines.filter(counted__isnull=True).count()
        if left:
            raise ProcessError(_("%(n)s parts are not counted yet: count every line (0 when the shelf is empty) "
                                 "before submitting.") % {"n": left})
        STOCK_COUNT.move(count, to=C.SUBMITTED, fields={"submitted_by": actor, "submitted_at": timezone.now()})
    return count


def moved_lines(count: StockCount, *, lock: bool = False) -> list[StockCountLine]:
    """The lines whose part's stock is no longer what the count began with (it was issued, received, returned
    while being counted): their counted figure cannot be booked as it is."""
    lines = list(count.lines.select_related("part"))
    parts = Part.objects.filter(pk__in=[line.part_id for line in lines]).order_by("pk").only("on_hand")
    if lock:
        parts = parts.select_for_update()
    now = {p.pk: p.on_hand for p in parts}
    moved = []
    for line in lines:
        line.part.on_hand = now[line.part_id]
        if line.part.on_hand != line.expected:
            moved.append(line)
    return moved


def count_approve(*, manager: User, count: StockCount, reason: str = "") -> StockCount:
    """Book the count: each difference one ADJUST move through the ledger. A parts manager or the after-sales
    manager approves, with a reason when there is any difference; a difference the approver counted
    themselves needs another approver (no one books their own finding). A part that moved since the count
    began is not booked blindly: the approval is refused, naming the parts to recount (`count_send_back`)."""
    _may_approve(manager)
    reason = reason.strip()
    with transaction.atomic():
        count = _locked(count)
        _refuse_unless(count, C.SUBMITTED)
        moved = moved_lines(count, lock=True)
        if moved:
            raise ProcessError(_("These parts moved since the count began (issued or received while being "
                                 "counted), so their count cannot be booked: %(parts)s. Send the count back to "
                                 "recount them.") % {
                "parts": list_join(_("%(part)s (%(expected)s then, %(now)s now)") % {
                    "part": f"{line.part.number} {line.part.name}", "expected": quantity_text(line.expected),
                    "now": quantity_text(line.part.on_hand)} for line in moved)}, field="reason")
        lines = [line for line in count.lines.select_related("part") if line.counted != line.expected]
        if lines and not reason:
            raise ProcessError(_("Give the reason for the differences before booking them."), field="reason")
        if any(line.counted_by_id == manager.pk for line in lines):
            raise ProcessError(_("You counted some of these differences yourself: another manager approves "
                                 "them."), field="reason")
        moves = stock_set(counts={line.part_id: line.counted for line in lines}, kind=StockMove.Kind.ADJUST,
                          actor=manager, note=f"{count.number} {reason}")
        for line in lines:
            line.move = moves[line.part_id]
        StockCountLine.objects.bulk_update(lines, ["move"])
        STOCK_COUNT.move(count, to=C.BOOKED, fields={"approved_by": manager, "approved_at": timezone.now(),
                                                     "reason": reason[:200]})
    return count


def count_send_back(*, manager: User, count: StockCount, recount: list[int] | None = None) -> list[StockCountLine]:
    """Back to the counters: the lines whose part moved since the count began, and those the manager picks
    (`recount`: line ids), are cleared and take the stock the system shows now as their new `expected`.
    Returns the lines to recount."""
    _may_approve(manager)
    with transaction.atomic():
        count = _locked(count)
        _refuse_unless(count, C.SUBMITTED)
        moved = moved_lines(count, lock=True)
        picked = set(recount or [])
        again = moved + [line for line in count.lines.select_related("part").filter(pk__in=picked)
                         if line.pk not in {m.pk for m in moved}]
        for line in again:
            line.expected = line.part.on_hand
            line.counted = line.counted_by = line.counted_at = None
        StockCountLine.objects.bulk_update(again, ["expected", "counted", "counted_by", "counted_at"])
        STOCK_COUNT.move(count, to=C.COUNTING, fields={"submitted_by": None, "submitted_at": None})
    return again


def count_cancel(*, actor: User, count: StockCount) -> StockCount:
    """Drop a count: nothing is booked, and its parts may be counted again. The counters cancel a count still
    being counted; a submitted one waits for a manager."""
    _may_count(actor)
    with transaction.atomic():
        count = _locked(count)
        _refuse_unless(count, *OPEN)
        if count.status == C.SUBMITTED:
            _may_approve(actor)
        STOCK_COUNT.move(count, to=C.CANCELLED)
    return count


def count_differences(count: StockCount) -> tuple[list[tuple[StockCountLine, Decimal]], Decimal]:
    """The counted lines that differ from the system, each with its value at the part's average cost now (the
    last purchase price when none is in stock), or, once booked, the value its move carried; and the total (the
    manager's review)."""
    lines = [line for line in count.lines.select_related("part", "counted_by", "move").filter(
        ~Q(counted=None)).order_by("location", "part__number") if line.counted != line.expected]
    last_costs = dict(PartSupply.objects.filter(part_id__in=[line.part_id for line in lines]).values_list(
        "part_id", "last_cost"))
    rows, total = [], Decimal(0)
    for line in lines:
        if line.move is not None:
            value = line.move.value
        else:
            part = line.part
            cost = part.stock_value / part.on_hand if part.on_hand > 0 else last_costs.get(part.pk, Decimal(0))
            value = money(line.difference * cost)
        rows.append((line, value))
        total += value
    return rows, total
