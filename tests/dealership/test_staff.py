"""The managers' staff pages and the settings change log (issue 18)."""

import re

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from dealership.models import Role, SettingChange, StaffRole, Trade, User, WorkOrder
from dealership.readiness import store_readiness
from dealership.staff import staff_create, staff_deactivate, staff_move_store, staff_update
from tests.conftest import login
from tests.factories import PASSWORD, StoreFactory, staff
from tests.refusals import refused_saying

NEW_PASSWORD = "Hong-Qi-2026-x"

# refusals are asserted on their English words
pytestmark = pytest.mark.usefixtures("english")


def create_post(client, **extra):
    data = {"username": "lili", "display_name": "李丽", "phone": "13900001111", "roles": [Role.SERVICE_ADVISOR],
            "trade": Trade.MECHANICAL, "password": "Temp-Pass-2026", **extra}
    return client.post(reverse("dealership:staff_new"), data)


def can_log_in(username: str, password: str) -> bool:
    return Client().login(request=HttpRequest(), username=username, password=password)


def test_it_creates_an_account_with_roles_and_records_it(team, manager):
    response = create_post(login(manager, "en"), roles=[Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT])
    assert response.status_code == 302
    person = User.objects.get(username="lili")
    assert person.store == team.store and person.display_name == "李丽" and person.must_change_password
    assert person.roles == {Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT}
    log = SettingChange.objects.filter(object_id=str(person.pk))
    assert {c.field for c in log} >= {"created", "display_name", "roles", "password"}
    assert all(c.actor == manager and c.store == team.store for c in log)
    assert log.get(field="password").new == "reset"  # a password never reaches the log
    assert "Temp-Pass-2026" not in "".join(c.old + c.new for c in SettingChange.objects.all())


def test_it_refuses_a_technician_without_a_trade(team, manager):
    response = create_post(login(manager, "en"), roles=[Role.TECHNICIAN], trade="")
    assert response.status_code == 400
    assert "needs a trade" in response.content.decode()
    assert not User.objects.filter(username="lili").exists()


def test_it_refuses_a_duplicate_username_with_a_clear_error(team, manager):
    create_post(login(manager, "en"))
    response = create_post(login(manager, "en"), username="LiLi")
    assert response.status_code == 400
    assert "The username LiLi is taken" in response.content.decode()
    assert User.objects.filter(username__iexact="lili").count() == 1


def test_it_edits_name_roles_and_trade_and_logs_old_and_new(team, manager):
    person = team[Role.SERVICE_ADVISOR]
    old_name = str(person)
    response = login(manager, "en").post(reverse("dealership:staff_detail", args=[person.pk]), {
        "display_name": "新名字", "phone": "", "roles": [Role.TECHNICIAN], "trade": Trade.BODY})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.display_name == "新名字" and person.trade == Trade.BODY and person.roles == {Role.TECHNICIAN}
    name = SettingChange.objects.get(object_id=str(person.pk), field="display_name")
    assert (name.old, name.new, name.actor) == (old_name, "新名字", manager)
    assert SettingChange.objects.filter(object_id=str(person.pk), field="roles").exists()


def test_deactivated_staff_keep_their_name_on_old_orders_and_cannot_log_in(team, manager, draft_order):
    advisor = team[Role.SERVICE_ADVISOR]
    assert can_log_in(advisor.username, PASSWORD)
    session = login(advisor)
    response = login(manager, "en").post(reverse("dealership:staff_deactivate", args=[advisor.pk]))
    assert response.status_code == 302
    advisor.refresh_from_db()
    assert not advisor.is_active
    assert not can_log_in(advisor.username, PASSWORD)
    assert session.get(reverse("dealership:orders")).status_code == 302  # the open session ended too
    page = login(manager, "en").get(reverse("dealership:order", args=[draft_order.pk])).content.decode()
    assert f"{advisor}" in page  # the header (advisor) and the timeline (actor) keep the name
    assert page.count(str(advisor)) >= 2
    change = SettingChange.objects.get(object_id=str(advisor.pk), field="is_active")
    assert change.actor == manager


def test_it_reactivates_an_account(team, manager):
    person = team[Role.CASHIER]
    client = login(manager, "en")
    client.post(reverse("dealership:staff_deactivate", args=[person.pk]))
    client.post(reverse("dealership:staff_reactivate", args=[person.pk]))
    assert can_log_in(person.username, PASSWORD)
    assert list(SettingChange.objects.filter(object_id=str(person.pk), field="is_active")
                .order_by("id").values_list("actor", flat=True)) == [manager.pk, manager.pk]


def test_a_reset_password_must_be_changed_at_the_next_login(team, manager):
    person = team[Role.CASHIER]
    response = login(manager, "en").post(reverse("dealership:staff_password", args=[person.pk]),
                                   {"password": "Temp-Reset-77x"})
    assert response.status_code == 302
    assert not can_log_in(person.username, PASSWORD)
    client = Client()
    assert client.login(request=HttpRequest(), username=person.username, password="Temp-Reset-77x")
    page = client.get(reverse("dealership:orders"))
    assert page.status_code == 302 and page.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    changed = client.post(reverse("password_change"), {"old_password": "Temp-Reset-77x",
                                                       "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert client.get(reverse("dealership:orders")).status_code == 200
    assert SettingChange.objects.get(object_id=str(person.pk), field="password").new == "reset"


def test_a_new_account_changes_its_password_at_first_login(team, manager):
    create_post(login(manager, "en"))
    client = Client()
    assert client.login(request=HttpRequest(), username="lili", password="Temp-Pass-2026")
    assert client.get(reverse("home")).url == reverse("password_change")


def test_nobody_deactivates_themselves(team, manager):
    response = login(manager, "en").post(reverse("dealership:staff_deactivate", args=[manager.pk]))
    assert response.status_code == 400
    manager.refresh_from_db()
    assert manager.is_active
    with refused_saying(re.compile('your own account')):
        staff_deactivate(actor=manager, user=manager)


def test_nobody_takes_the_manager_role_from_themselves(team, manager):
    response = login(manager, "en").post(reverse("dealership:staff_detail", args=[manager.pk]), {
        "display_name": "经理", "roles": [Role.SERVICE_ADVISOR], "trade": ""})
    assert response.status_code == 400
    assert "from yourself" in response.content.decode()
    assert Role.AFTERSALES_MANAGER in User.objects.get(pk=manager.pk).roles


def test_the_last_active_manager_keeps_the_role(team, manager, group_manager):
    with refused_saying(re.compile('only active after-sales manager')):
        staff_update(actor=group_manager, user=manager, display_name="经理", phone="", roles=[Role.CASHIER],
                     trade="")
    with refused_saying(re.compile('only active after-sales manager')):
        staff_deactivate(actor=group_manager, user=manager)
    second = staff(Role.AFTERSALES_MANAGER, team.store)
    staff_deactivate(actor=second, user=manager)  # with another manager, it may go
    assert not User.objects.get(pk=manager.pk).is_active


def test_another_stores_staff_are_a_404(team, other_team, manager):
    theirs = other_team[Role.SERVICE_ADVISOR]
    client = login(manager, "en")
    assert client.get(reverse("dealership:staff_detail", args=[theirs.pk])).status_code == 404
    for name in ("staff_deactivate", "staff_password"):
        assert client.post(reverse(f"dealership:{name}", args=[theirs.pk]), {"password": "Xx-12345678"}
                           ).status_code == 404
    assert User.objects.get(pk=theirs.pk).is_active
    assert theirs.username not in client.get(reverse("dealership:staff")).content.decode()


def test_only_the_group_manager_moves_staff(team, manager, group_manager):
    person = team[Role.CASHIER]
    sister = StoreFactory(group=team.store.group)
    assert login(manager, "en").post(reverse("dealership:staff_move", args=[person.pk]),
                               {"store": sister.pk}).status_code == 403
    with refused_saying(re.compile('Only the group manager')):
        staff_move_store(actor=manager, user=person, store=sister)
    response = login(group_manager, "en").post(reverse("dealership:staff_move", args=[person.pk]), {"store": sister.pk})
    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).store == sister
    assert set(SettingChange.objects.filter(object_id=str(person.pk), field="store")
               .values_list("store", flat=True)) == {team.store.pk, sister.pk}


def test_someone_with_open_work_is_not_moved(team, group_manager, draft_order):
    advisor = team[Role.SERVICE_ADVISOR]
    sister = StoreFactory(group=team.store.group)
    response = login(group_manager, "en").post(reverse("dealership:staff_move", args=[advisor.pk]), {"store": sister.pk})
    assert response.status_code == 400
    assert "open work orders: 1" in response.content.decode()
    assert User.objects.get(pk=advisor.pk).store == team.store


def test_the_list_shows_active_first_and_filters_by_role(team, manager):
    gone = team[Role.GATE_GUARD]
    staff_deactivate(actor=manager, user=gone)
    page = login(manager, "en").get(reverse("dealership:staff")).content.decode()
    assert page.index(str(team[Role.CASHIER])) < page.index(str(gone))
    technicians = login(manager, "en").get(reverse("dealership:staff"), {"role": Role.TECHNICIAN}).content.decode()
    assert str(team[Role.TECHNICIAN]) in technicians and str(team[Role.CASHIER]) not in technicians


def test_the_change_log_lists_the_stores_changes_newest_first(team, other_team, manager):
    staff_create(actor=manager, store=team.store, username="a1", display_name="甲", phone="", roles=[Role.CASHIER],
                 trade="", password="Xx-12345678")
    staff_create(actor=other_team[Role.AFTERSALES_MANAGER], store=other_team.store, username="b1",
                 display_name="乙乙乙", phone="", roles=[Role.CASHIER], trade="", password="Xx-12345678")
    page = login(manager, "en").get(reverse("dealership:settings_log")).content.decode()
    assert "甲" in page and "乙乙乙" not in page


def test_the_setup_checklist_points_at_the_staff_page(team, manager):
    StaffRole.objects.filter(role__in=[Role.SERVICE_ADVISOR, Role.TECHNICIAN]).delete()
    urls = {m.key: m.url for m in store_readiness(store=team.store)}
    assert urls["advisors"] == urls["technicians"] == reverse("dealership:staff_new")


def test_a_technician_with_open_jobs_is_not_moved(team, group_manager, order_in):
    order = order_in(WorkOrder.Status.IN_REPAIR)
    technician = team[Role.TECHNICIAN]
    assert order.jobs.filter(technician=technician).exists()
    with refused_saying(re.compile('open jobs: 1')):
        staff_move_store(actor=group_manager, user=technician, store=StoreFactory(group=team.store.group))
