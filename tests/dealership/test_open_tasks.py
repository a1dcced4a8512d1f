"""The tasks in front of a person (PROMPT rules): theirs, and their roles' in
their store; never another store's, another role's or a done one."""

from datetime import timedelta

from django.utils import timezone

from dealership.models import Role, StaffTask
from dealership.selectors import open_tasks_for


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
