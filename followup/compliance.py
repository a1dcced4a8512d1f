"""Issue 21: the compliance job and what the page and the report read.

`compliance_count(month)` counts every item of followup/standard.py for one
month of every store (or of the stores given) and writes ComplianceCount
rows: one grouped query per measure and kind of person, over the month, so
a run costs the same at a million orders as at a thousand, apart from the
month itself. A second run of the same month replaces the rows (it counts
first, then locks the stores' rows FOR NO KEY UPDATE while it writes, so two
runs at once take turns and no one's insert waits). Every run is
recorded (ComplianceRun). An item above its store's threshold becomes a task
for the after-sales manager to set a corrective action (FU-6); the task
closes when that action is done with evidence.

`compliance_table(...)` reads the rows for the page and the monthly report:
the month's figure per item, its 12-month trend, the breakdown by store,
advisor and technician, and the worst five."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dealership.access import MANAGERS as MANAGER_ROLES
from dealership.archive import archive_check, archived_before
from dealership.changelog import settings_change_record
from dealership.errors import ProcessError
from dealership.messages import N_, message_params
from dealership.models import Role, StaffTask, Store, User, WorkOrder
from dealership.services import staff_tasks_create, work_order_note
from dealership.textlimits import text_check

from .models import ComplianceCount, ComplianceRun, ComplianceThreshold, CorrectiveAction, SpotCheck, SpotCheckAnswer
from .standard import AUDITED, BY_CODE, ITEMS, REFUSED, STAGES, Item, Period, limit_for, value_of

KINDS = ("", "advisor", "technician")
TREND_MONTHS = 12


def month_start(month: date) -> datetime:
    return datetime.combine(month.replace(day=1), time.min, timezone.get_current_timezone())


def next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def period_of(month: date, now: datetime | None = None) -> Period:
    return Period(month_start(month), month_start(next_month(month)), now or timezone.now())


# --- the job -----------------------------------------------------------------------------------------------

def _count_rows(month: date, store_ids: list[int], p: Period) -> list[ComplianceCount]:
    rows: dict[tuple, ComplianceCount] = {}
    for item in ITEMS:
        for measure in item.measures:
            for kind in KINDS:
                if kind and not measure.person_path(kind):
                    continue
                for (store_id, person_id), (base, cases) in measure.counts(p, store_ids, kind).items():
                    key = (store_id, item.code, kind, person_id)
                    row = rows.get(key) or rows.setdefault(key, ComplianceCount(
                        store_id=store_id, month=month, code=item.code, person_kind=kind, person_id=person_id))
                    if measure.feeds == "overrides":
                        row.overrides += cases
                    elif measure.feeds == "attempts":
                        row.cases += cases
                    else:
                        row.cases += cases
                        row.base += base
    return list(rows.values())


def compliance_count(*, month: date, store_ids: list[int] | None = None, trigger: str = "job",
                     now: datetime | None = None) -> ComplianceRun:
    """Count one month for the stores given (every store by default); safe to run twice. A month archived
    (issue 23) is not counted again: what it reads has moved out, and the count kept stands."""
    month = month.replace(day=1)
    now = now or timezone.now()
    kept_from = archived_before()
    if kept_from and month < kept_from:
        kept = ComplianceRun.objects.filter(month=month, finished_at__isnull=False).first()
        if kept is not None:
            return kept
    run = ComplianceRun.objects.create(month=month, trigger=trigger[:20], started_at=timezone.now(),
                                       store_id=store_ids[0] if store_ids and len(store_ids) == 1 else None)
    stores = Store.objects.order_by("pk")
    if store_ids is not None:
        stores = stores.filter(pk__in=store_ids)
    ids = list(stores.values_list("pk", flat=True))
    rows = _count_rows(month, ids, period_of(month, now))  # the reading, outside any lock
    with transaction.atomic():
        # the writing: two runs take turns here. FOR NO KEY UPDATE, not FOR UPDATE: every insert naming the
        # store takes a key-share lock on its row, and must not wait for the count.
        list(Store.objects.select_for_update(of=("self",), no_key=True).filter(pk__in=ids).order_by("pk")
             .values_list("pk", flat=True))
        ComplianceCount.objects.filter(month=month, store_id__in=ids).delete()
        ComplianceCount.objects.bulk_create(rows, batch_size=1000)
        tasks = _threshold_tasks(month, ids, rows)
    ComplianceRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), stores=len(ids), rows=len(rows),
                                                   tasks=tasks)
    run.refresh_from_db()
    return run


def compliance_count_due(*, now: datetime | None = None) -> int:
    """The beat's run: this month, and in the first week the month before too (late facts land there)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    months = [today.replace(day=1)]
    if today.day <= 7:
        months.append((today.replace(day=1) - timedelta(days=1)).replace(day=1))
    for month in months:
        compliance_count(month=month, trigger="job", now=now)
    return len(months)


def thresholds_of(store_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for store_id, code, limit in ComplianceThreshold.objects.filter(store_id__in=store_ids).values_list(
            "store_id", "code", "limit"):
        out[store_id][code] = limit
    return out


def task_key(month: date, code: str) -> str:
    return f"compliance-{month:%Y-%m}-{code}"


def _threshold_tasks(month: date, store_ids: list[int], rows: list[ComplianceCount]) -> int:
    """An item above its store's threshold: a task for the after-sales manager (once per store, month and item)."""
    limits = thresholds_of(store_ids)
    tasks = []
    for row in rows:
        item = BY_CODE[row.code]
        if row.person_kind or (value := value_of(item, row.cases, row.base, row.overrides)) is None:
            continue
        limit = limit_for(item, limits.get(row.store_id, {}))
        if value > limit and (row.cases or row.overrides):
            link = reverse("followup:actions") + "?" + urlencode({"item": item.code, "month": f"{month:%Y-%m}"})
            tasks.append(StaffTask(
                store_id=row.store_id, key=task_key(month, item.code), role=Role.AFTERSALES_MANAGER, link=link,
                message=N_("%(code)s %(label)s is above its threshold in %(month)s: set a corrective action and close "
                           "it with evidence"),
                params=message_params(code=item.code, label=_label(item), month=f"{month:%Y-%m}"),
                due_at=timezone.now() + timedelta(days=7)))
    staff_tasks_create(tasks)
    return len(tasks)


def _label(item: Item) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # a task's words are the store's language
        return str(item.label)


def threshold_task_close(*, store_id: int, item: str, month: date | None, actor: User) -> int:
    """The corrective action answering an item above its threshold is done, with evidence: its task closes."""
    if not item or month is None:
        return 0
    return StaffTask.objects.filter(store_id=store_id, key=task_key(month, item), done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor)


# --- what the page and the report read ----------------------------------------------------------------------

@dataclass
class Figure:
    cases: int = 0
    base: int = 0
    overrides: int = 0

    def add(self, row: dict) -> None:
        self.cases += row["cases"] or 0
        self.base += row["base"] or 0
        self.overrides += row["overrides"] or 0


@dataclass
class Row:
    item: Item
    figure: Figure
    limit: Decimal | None
    trend: list[tuple[str, Decimal | None, int]] = field(default_factory=list)
    advisors: list[tuple[int, str, Figure]] = field(default_factory=list)
    technicians: list[tuple[int, str, Figure]] = field(default_factory=list)
    stores: list[tuple[int, str, Figure]] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        return value_of(self.item, self.figure.cases, self.figure.base, self.figure.overrides)

    @property
    def value_text(self) -> str:
        """The month's figure as the page and the monthly report print it (drawn here, not by a template
        included three times in each of 58 rows: issue 22)."""
        figure = self.figure
        if self.item.home == REFUSED:
            refused = ngettext("%(n)s refused", "%(n)s refused", figure.cases) % {"n": localize(figure.cases)}
            overrides = ngettext("%(n)s override", "%(n)s overrides", figure.overrides) % {
                "n": localize(figure.overrides)}
            return f"{refused} · {overrides}"
        if figure.base:
            return f"{localize(self.value)}% ({localize(figure.cases)}/{localize(figure.base)})"
        return "—"

    @property
    def limit_text(self) -> str:
        if self.item.home == REFUSED:
            return ngettext("%(n)s override", "%(n)s overrides", self.limit_count) % {"n": localize(self.limit_count)}
        return f"{floatformat(self.limit, '-1')}%"

    @property
    def limit_count(self) -> int:
        """A refused item's threshold: a whole number of overrides."""
        return int(self.limit or 0)

    @property
    def above(self) -> bool:
        return self.value is not None and self.limit is not None and self.value > self.limit and bool(
            self.figure.cases or self.figure.overrides)

    @property
    def badness(self) -> Decimal:
        """How far over its threshold (the worst five rank by it); an item with nothing counted is not bad."""
        value = self.value
        if not value or not (self.figure.cases or self.figure.overrides):
            return Decimal(0)
        return value / self.limit if self.limit else Decimal(10**6) + value

    @property
    def trend_max(self) -> Decimal:
        return max([v for _m, v, _n in self.trend if v is not None] or [Decimal(0)])

    @property
    def chart(self) -> str:
        """The 12-month trend as one SVG path of bars (20 px at the highest month): drawn here, once, because
        58 rows of 12 bars of template tags took two thirds of the page's time."""
        top = self.trend_max or Decimal(1)
        parts = []
        for i, (_m, v, _n) in enumerate(self.trend):
            h = max(int(20 * v / top) if v else 0, 1)
            parts.append(f"M{i * 7} {22 - h}h5v{h}h-5z")
        return "".join(parts)

    @property
    def trend_text(self) -> str:
        return ", ".join(f"{m} {'—' if v is None else v}" for m, v, _n in self.trend)


@dataclass
class Table:
    month: date
    rows: list[Row]
    counted_at: datetime | None
    stages: list = field(default_factory=lambda: STAGES)

    @property
    def worst(self) -> list[Row]:
        return sorted([r for r in self.rows if r.badness], key=lambda r: (-r.badness, r.item.code))[:5]

    def by_stage(self) -> list[tuple[str, str, list[Row]]]:
        return [(code, label, [r for r in self.rows if r.item.stage == code]) for code, label in self.stages]


def _months_back(month: date, n: int) -> list[date]:
    out = [month]
    while len(out) < n:
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return list(reversed(out))


def compliance_table(*, stores: list[int], month: date, advisor_id: int | None = None,
                     breakdown: bool = True) -> Table:
    """Read the counted rows of these stores: five queries, whatever the number of orders."""
    month = month.replace(day=1)
    months = _months_back(month, TREND_MONTHS)
    counts = ComplianceCount.objects.filter(store_id__in=stores)
    if advisor_id:
        counts = counts.filter(person_kind="advisor", person_id=advisor_id)
    else:
        counts = counts.filter(person_kind="")
    # the trend: one row per item and month
    trend: dict[tuple[str, date], Figure] = defaultdict(Figure)
    for row in counts.filter(month__gte=months[0], month__lte=month).values("code", "month").annotate(
            cases=Sum("cases"), base=Sum("base"), overrides=Sum("overrides")).order_by():
        trend[(row["code"], row["month"])].add(row)
    # the month by person and by store
    people: dict[tuple[str, str], list[tuple[int, Figure]]] = defaultdict(list)
    per_store: dict[str, list[tuple[int, Figure]]] = defaultdict(list)
    names: dict[int, str] = {}
    if breakdown:
        month_rows = ComplianceCount.objects.filter(store_id__in=stores, month=month)
        if advisor_id:
            month_rows = month_rows.filter(person_kind="advisor", person_id=advisor_id)
        for row in month_rows.exclude(person_kind="").values("code", "person_kind", "person_id").annotate(
                cases=Sum("cases"), base=Sum("base"), overrides=Sum("overrides")).order_by():
            figure = Figure()
            figure.add(row)
            people[(row["code"], row["person_kind"])].append((row["person_id"], figure))
        if len(stores) > 1 and not advisor_id:
            for row in month_rows.filter(person_kind="").values("code", "store_id").annotate(
                    cases=Sum("cases"), base=Sum("base"), overrides=Sum("overrides")).order_by():
                figure = Figure()
                figure.add(row)
                per_store[row["code"]].append((row["store_id"], figure))
        ids = {pk for rows in people.values() for pk, _f in rows}
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids).only("pk", "display_name", "username")}
        names.update({-s.pk: s.name for s in Store.objects.filter(pk__in=stores).only("pk", "name")})
    limits = thresholds_of(stores) if len(stores) == 1 else {}
    own = limits.get(stores[0], {}) if len(stores) == 1 else {}

    def top(rows: list[tuple[int, Figure]], item: Item, sign: int = 1) -> list[tuple[int, str, Figure]]:
        ranked = sorted(rows, key=lambda r: (-(r[1].cases if item.home == REFUSED else r[1].cases), r[0]))
        return [(pk, names.get(sign * pk, "?"), f) for pk, f in ranked if f.cases or f.overrides][:5]

    out = []
    for item in ITEMS:
        row = Row(item, trend.get((item.code, month), Figure()), limit_for(item, own) if len(stores) == 1
                  else item.limit)
        for m in months:
            f = trend.get((item.code, m), Figure())
            row.trend.append((f"{m:%Y-%m}", value_of(item, f.cases, f.base, f.overrides), f.cases))
        row.advisors = top(people.get((item.code, "advisor"), []), item)
        row.technicians = top(people.get((item.code, "technician"), []), item)
        row.stores = top(per_store.get(item.code, []), item, sign=-1)
        out.append(row)
    counted = ComplianceRun.objects.filter(month=month, finished_at__isnull=False).filter(
        Q(store__isnull=True) | Q(store_id__in=stores)).aggregate(at=Max("finished_at"))["at"]
    return Table(month, out, counted)


# --- writes: thresholds and spot checks ----------------------------------------------------------------------

def thresholds_set(*, manager: User, limits: dict[str, Decimal | None]) -> int:
    """A store's own thresholds (None: back to the item's default). Percentages go to 100."""
    if not manager.has_role(*MANAGER_ROLES) or manager.store_id is None:
        raise ProcessError(_("The after-sales manager of the store sets its thresholds."), rule="FU-6")
    for code, limit in limits.items():
        item = BY_CODE.get(code)
        if item is None:
            raise ProcessError(_("%(code)s is not a must-avoid item.") % {"code": code})
        if limit is not None and (limit < 0 or (item.home != REFUSED and limit > 100)):
            raise ProcessError(_("%(code)s: a threshold goes from 0 to 100 %%.") % {"code": code}, field=code)
        if limit is not None and item.home == REFUSED and limit != limit.to_integral_value():
            raise ProcessError(_("%(code)s: a number of overrides is a whole number.") % {"code": code}, field=code)
    changed = 0
    with transaction.atomic():
        current = {t.code: t for t in ComplianceThreshold.objects.select_for_update().filter(store_id=manager.store_id)}
        for code, limit in limits.items():
            row = current.get(code)
            if limit is None or limit == BY_CODE[code].limit:
                if row is not None:  # back to the default: the settings change log keeps the old threshold
                    settings_change_record(actor=manager, obj=row, changes={"limit": (row.limit, "")})
                    row.delete()
                    changed += 1
            elif row is None:
                row = ComplianceThreshold.objects.create(store_id=manager.store_id, code=code, limit=limit,
                                                         updated_by=manager)
                settings_change_record(actor=manager, obj=row, changes={"limit": ("", limit)})
                changed += 1
            elif row.limit != limit:
                settings_change_record(actor=manager, obj=row, changes={"limit": (row.limit, limit)})
                row.limit, row.updated_by = limit, manager
                row.save(update_fields=["limit", "updated_by", "updated_at"])
                changed += 1
    return changed


def spot_check_record(*, work_order: WorkOrder, manager: User, answers: dict[str, tuple[bool, str]],
                      note: str = "") -> SpotCheck:
    """A manager's spot check of the audited items on one order: each answered
    item kept or not, with a note (a "not kept" needs one). The store's month
    is counted again after commit, so the page shows it."""
    if not manager.has_role(*MANAGER_ROLES):
        raise ProcessError(_("A manager records a spot check."))
    if not manager.is_group_manager and manager.store_id != work_order.store_id:
        raise ProcessError(_("This order is not of your store."))
    if manager.is_group_manager and work_order.store.group_id != manager.group_id:
        raise ProcessError(_("This order is not of your group."))
    if not answers:
        raise ProcessError(_("Answer at least one question of the spot check."))
    for code, (kept, text) in answers.items():
        if code not in BY_CODE or BY_CODE[code].home != AUDITED:
            raise ProcessError(_("%(code)s is not checked on the spot.") % {"code": code})
        if not kept and not text.strip():
            raise ProcessError(_("%(code)s not kept: say what you saw.") % {"code": code}, field=f"note_{code}")
    text_check(SpotCheck, note=note)
    with transaction.atomic():
        check = SpotCheck.objects.create(store_id=work_order.store_id, work_order=work_order, note=note.strip(),
                                         created_by=manager)
        SpotCheckAnswer.objects.bulk_create([SpotCheckAnswer(spot_check=check, code=code, kept=kept,
                                                             note=text.strip()[:200])
                                             for code, (kept, text) in sorted(answers.items())])
        work_order_note(work_order=work_order, actor=manager, rule="FU-5",
                        message=N_("Spot check by the manager: %(kept)s kept, %(not_kept)s not kept."),
                        params={"kept": sum(1 for k, _t in answers.values() if k),
                                "not_kept": sum(1 for k, _t in answers.values() if not k)})
        month = timezone.localdate().replace(day=1)
        transaction.on_commit(lambda: count_later(month=month, store_ids=[work_order.store_id], trigger="spot check"))
    return check


def count_later(*, month: date, store_ids: list[int] | None, trigger: str) -> None:
    from .tasks import compliance_count_month

    compliance_count_month.delay(f"{month:%Y-%m-%d}", store_ids, trigger)


def item_actions(*, stores: list[int], month: date) -> dict[str, str]:
    """The corrective actions answering items of this month: "done" when all are done, else "set"."""
    out: dict[str, str] = {}
    for code, done_at in CorrectiveAction.objects.filter(store_id__in=stores, item_month=month.replace(day=1)) \
            .exclude(item="").values_list("item", "done_at"):
        out[code] = "set" if done_at is None or out.get(code) == "set" else "done"
    return out


@archive_check
def _counted_before_archiving(first_kept: date) -> str | None:
    """Issue 23: the months to be archived must have their counts kept first (the count reads the timeline and
    the refused attempts, which move out)."""
    from dealership.models import RefusedAttempt, WorkOrderEvent

    starts = [at for at in (WorkOrderEvent.objects.order_by("at").values_list("at", flat=True).first(),
                            RefusedAttempt.objects.order_by("at").values_list("at", flat=True).first()) if at]
    if not starts:
        return None
    month = timezone.localtime(min(starts)).date().replace(day=1)
    counted = set(ComplianceRun.objects.filter(finished_at__isnull=False, store__isnull=True,
                                               month__lt=first_kept).values_list("month", flat=True))
    missing = []
    while month < first_kept:
        if month not in counted:
            missing.append(month.strftime("%Y-%m"))
        month = (month + timedelta(days=32)).replace(day=1)
    if missing:
        return (f"the compliance counts of {', '.join(missing[:6])}{' …' if len(missing) > 6 else ''} are not kept "
                "yet: count them first (followup.tasks.compliance_count_month)")
    return None
