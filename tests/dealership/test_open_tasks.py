"""The tasks in front of a person (PROMPT rules): theirs, and their roles' in
their store; never another store's, another role's or a done one."""

import re
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dealership.models import Role, StaffTask
from dealership.selectors import open_tasks_for

from ..conftest import login


def task(store, key, **kw):
    return StaffTask.objects.create(store=store, key=key, message="Do %(what)s", params={"what": key}, **kw)


def test_open_tasks_are_the_persons_and_their_roles_oldest_first(team, other_team):
    advisor, cashier = team[Role.SERVICE_ADVISOR], team[Role.CASHIER]
    mine = task(team.store, "mine", assignee=advisor)
    for_role = task(team.store, "role", role=Role.SERVICE_ADVISOR)
    task(team.store, "cashier's", assignee=cashier)
    task(team.store, "other role", role=Role.CASHIER)
    task(team.store, "done", assignee=advisor, done_at=timezone.now())
    task(other_team.store, "other store", role=Role.SERVICE_ADVISOR)
    StaffTask.objects.filter(pk=for_role.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert [t.key for t in open_tasks_for(user=advisor)] == ["role", "mine"]
    assert [t.text for t in open_tasks_for(user=advisor)][1] == mine.text


def test_open_tasks_are_capped(team):
    advisor = team[Role.SERVICE_ADVISOR]
    for k in range(5):
        task(team.store, f"t{k}", assignee=advisor)
    assert len(open_tasks_for(user=advisor, limit=3)) == 3


def test_a_person_without_a_store_or_roles_has_no_role_tasks(team, group_manager):
    task(team.store, "role", role=Role.SERVICE_ADVISOR)
    assert open_tasks_for(user=group_manager) == []
    team[Role.TECHNICIAN].staff_roles.all().delete()
    technician = type(team[Role.TECHNICIAN]).objects.get(pk=team[Role.TECHNICIAN].pk)
    assert open_tasks_for(user=technician) == []


# --- Tasks that surface (issue 16): urgent first, all of them reachable -------------------------------------------

def aged(t, minutes):
    StaffTask.objects.filter(pk=t.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return t


def test_prompt_open_tasks_rank_urgent_then_overdue_then_by_due_time_then_oldest(team):
    """The ranking is the query's ORDER BY (docs/decisions.md, "Tasks")."""
    advisor, now = team[Role.SERVICE_ADVISOR], timezone.now()
    aged(task(team.store, "oldest, no due time", assignee=advisor), 300)
    task(team.store, "newer, no due time", assignee=advisor)
    aged(task(team.store, "due later", assignee=advisor, due_at=now + timedelta(hours=3)), 200)
    task(team.store, "due soon", role=Role.SERVICE_ADVISOR, due_at=now + timedelta(hours=1))
    task(team.store, "overdue approval", role=Role.SERVICE_ADVISOR, due_at=now - timedelta(minutes=5))
    task(team.store, "customer waiting", assignee=advisor, urgent=True)
    assert [t.key for t in open_tasks_for(user=advisor)] == [
        "customer waiting", "overdue approval", "due soon", "due later", "oldest, no due time", "newer, no due time"]


def test_prompt_the_open_tasks_carry_their_total_however_few_are_shown(team):
    advisor = team[Role.SERVICE_ADVISOR]
    for k in range(7):
        task(team.store, f"t{k}", assignee=advisor if k % 2 else None, role="" if k % 2 else Role.SERVICE_ADVISOR)
    shown = open_tasks_for(user=advisor, limit=3)
    assert len(shown) == 3 and shown.total == 7


def test_prompt_25_open_tasks_the_header_counts_25_and_the_all_tasks_page_shows_every_one(team):
    advisor = team[Role.SERVICE_ADVISOR]
    made = [aged(task(team.store, f"t{k:02}", assignee=advisor), 100 - k) for k in range(25)]
    client = login(advisor)
    desk = client.get(reverse("reception:desk")).content.decode()
    assert re.search(r'data-testid="my-tasks-count"[^>]*>\s*25\s*<', desk)
    assert reverse("dealership:tasks") in desk
    seen = []
    for number in (1, 2):
        page = client.get(reverse("dealership:tasks"), {"page": number}).content.decode()
        seen += re.findall(r'data-task="(\d+)"', page)
    assert [int(pk) for pk in seen] == [t.pk for t in made]  # every one, once, in the same order as the header


def test_prompt_the_all_tasks_page_marks_overdue_and_urgent_in_words(team):
    advisor, now = team[Role.SERVICE_ADVISOR], timezone.now()
    task(team.store, "late", assignee=advisor, due_at=now - timedelta(hours=1))
    task(team.store, "waiting", assignee=advisor, urgent=True)
    page = login(advisor, language="en").get(reverse("dealership:tasks")).content.decode()
    assert "Overdue" in page and "Urgent" in page


def test_rep3_a_new_finding_comes_first_on_the_advisors_tasks_even_after_20_older_ones(team, order_in):
    from workshop.changes import finding_report

    advisor = team[Role.SERVICE_ADVISOR]
    order = order_in("in_repair")
    for k in range(20):
        aged(task(team.store, f"older {k}", assignee=advisor), 60 + k)
    finding = finding_report(work_order=order, actor=team[Role.TECHNICIAN], description="左前减震器漏油")
    assert open_tasks_for(user=advisor)[0].key == f"finding-{finding.pk}"
    desk = login(advisor).get(reverse("reception:desk")).content.decode()
    first = re.search(r'data-testid="my-tasks".*?<li[^>]*>(.*?)</li>', desk, re.S).group(1)
    assert reverse("workshop:finding", args=[finding.pk]) in first


def test_rep3_the_order_page_lists_and_links_its_open_tasks(team, order_in):
    from workshop.changes import finding_report

    order = order_in("in_repair")
    finding = finding_report(work_order=order, actor=team[Role.TECHNICIAN], description="刹车油管老化")
    done = task(team.store, "done on this order", assignee=team[Role.SERVICE_ADVISOR], work_order=order,
                done_at=timezone.now())
    page = login(team[Role.SERVICE_ADVISOR]).get(reverse("dealership:order", args=[order.pk])).content.decode()
    block = re.search(r'data-testid="order-tasks".*?</ul>', page, re.S).group(0)
    assert reverse("workshop:finding", args=[finding.pk]) in block
    assert done.text not in block


def test_the_open_tasks_query_reads_only_open_rows_through_their_indexes(team):
    """Bounded (LIMIT) and answered by indexes that lead to the open rows of
    the person and of their roles, however many done tasks the store has; only
    those are sorted by urgency (EXPLAIN on SQLite and on PostgreSQL)."""
    from dealership.selectors import open_tasks_query

    advisor = team[Role.SERVICE_ADVISOR]
    sql, params = open_tasks_query(user=advisor, limit=10, offset=0, now=timezone.now())
    assert sql.rstrip().endswith("LIMIT %s OFFSET %s")
    if connection.vendor == "postgresql":
        # A handful of rows make any table a sequential scan; with that path
        # closed the planner shows which indexes can answer the query.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert plan.lstrip().startswith("Limit"), plan
        assert "Seq Scan" not in plan, plan
        assert plan.count("dealership_stafftask") >= 2 and "Index" in plan, plan
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    reads = [step for step in plan if "stafftask" in step]
    assert len(reads) == 2, plan
    assert all(step.startswith("SEARCH") and "store_id=?" in step and "done_at" in step for step in reads), plan
    assert "assignee_id=?" in reads[0] and "role=?" in reads[1], plan


def test_apt11_a_sweeps_worth_of_alerts_is_upserted_one_open_task_per_subject(team):
    """More rows than SQLite takes parameters in one statement: written in
    batches, and a second run updates the same tasks instead of adding."""
    from dealership.services import staff_tasks_upsert

    def alerts(run):
        return [StaffTask(store=team.store, key=f"s{k}-{run}", subject=f"s{k}", role=Role.SERVICE_ADVISOR,
                          message="Do %(what)s", params={"what": run}) for k in range(150)]

    staff_tasks_upsert(alerts("first"))
    staff_tasks_upsert(alerts("second"))
    open_ = StaffTask.objects.filter(store=team.store, done_at__isnull=True)
    assert open_.count() == 150 and set(open_.values_list("params__what", flat=True)) == {"second"}
