"""The checklist settings pages (issue 18): self-check (REP-15), QC checklist (QC-2) and walk-around (REC-5)."""

import pytest
from django.urls import reverse

from dealership.models import JobType, Role, SettingChange, WorkOrder
from demo.builder import drive, qc_pass
from inspection.models import Inspection, InspectionItem, QcCheckItem
from inspection.services import inspection_checklist, inspection_record
from reception.models import WalkAroundCheckItem
from reception.walkaround import checklist_items
from workshop.jobs import self_check_items
from workshop.models import SelfCheckItem

from ..conftest import login, new_order
from ..factories import LabourFactory, PartFactory, VehicleFactory
from ..refusals import refused_by
from ..workshop.helpers import finish, working

S = WorkOrder.Status
pytestmark = pytest.mark.usefixtures("english")


def self_checks(job_type=JobType.BRAKES):
    return reverse("workshop:self_checks_type", args=[job_type])


def qc_checks(job_type=JobType.BRAKES):
    return reverse("inspection:qc_checks_type", args=[job_type])


def test_the_page_shows_the_default_list_as_such_until_the_store_sets_its_own(team, manager):
    page = login(manager, "en").get(self_checks()).content.decode()
    assert "default list" in page and "原地试制动踏板感正常" in page
    assert not SelfCheckItem.objects.filter(store=team.store).exists()  # looking changes nothing
    assert login(manager, "en").get(reverse("workshop:self_checks_page")).status_code == 302


def test_rep15_an_added_check_is_what_a_new_jobs_technician_must_tick(order_in, team, manager):
    client = login(manager, "en")
    job = working(order_in(S.SIGNED), team)
    response = client.post(reverse("workshop:self_checks_add", args=[job.job_type]), {"label": "试车确认制动有力"})
    assert response.status_code == 302
    required = self_check_items(store=team.store, job_type=job.job_type)
    assert "试车确认制动有力" in required
    assert len(required) > 3  # the defaults became the store's own, the new check at their end
    with refused_by("REP-15", others=True, match="试车确认制动有力"):
        finish(job, checks=[c for c in required if c != "试车确认制动有力"])
    item = SelfCheckItem.objects.get(store=team.store, label="试车确认制动有力")
    change = SettingChange.objects.get(object_id=str(item.pk), field="label")
    assert (change.actor, change.store, change.old, change.new) == (manager, team.store, "", "试车确认制动有力")


def test_rep15_a_deactivated_check_is_no_longer_asked_and_never_deleted(team, manager):
    client = login(manager, "en")
    client.post(reverse("workshop:self_checks_own", args=[JobType.BRAKES]))
    first = SelfCheckItem.objects.filter(store=team.store, job_type=JobType.BRAKES).order_by("position")[0]
    assert client.post(reverse("workshop:self_checks_deactivate", args=[first.pk])).status_code == 302
    assert first.label not in self_check_items(store=team.store, job_type=JobType.BRAKES)
    first.refresh_from_db()
    assert not first.active
    assert SettingChange.objects.filter(object_id=str(first.pk), field="active", new="False").exists()
    client.post(reverse("workshop:self_checks_reactivate", args=[first.pk]))
    assert first.label in self_check_items(store=team.store, job_type=JobType.BRAKES)


def test_it_renames_and_reorders_a_check_and_logs_both(team, manager):
    client = login(manager, "en")
    client.post(reverse("workshop:self_checks_own", args=[JobType.BRAKES]))
    rows = list(SelfCheckItem.objects.filter(store=team.store, job_type=JobType.BRAKES).order_by("position"))
    response = client.post(reverse("workshop:self_checks_rename", args=[rows[1].pk]),
                           {f"i{rows[1].pk}-label": "制动液液位在MIN与MAX之间"})
    assert response.status_code == 302
    client.post(reverse("workshop:self_checks_up", args=[rows[1].pk]))
    assert self_check_items(store=team.store, job_type=JobType.BRAKES)[0] == "制动液液位在MIN与MAX之间"
    fields = set(SettingChange.objects.filter(object_id=str(rows[1].pk)).values_list("field", flat=True))
    assert fields == {"label", "position"}


@pytest.mark.parametrize(("label", "says"), [("  ", "This field is required."), ("x" * 101, "at most"),
                                             ("原地试制动踏板感正常", "already on the list")])
def test_bad_input_is_a_message_on_the_page(team, manager, label, says):
    response = login(manager, "en").post(reverse("workshop:self_checks_add", args=[JobType.BRAKES]),
                                         {"label": label})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not SettingChange.objects.exists()


def test_a_rename_to_nothing_is_refused_on_its_row(team, manager):
    client = login(manager, "en")
    client.post(reverse("workshop:self_checks_own", args=[JobType.BRAKES]))
    row = SelfCheckItem.objects.filter(store=team.store, job_type=JobType.BRAKES).first()
    response = client.post(reverse("workshop:self_checks_rename", args=[row.pk]), {f"i{row.pk}-label": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


@pytest.fixture
def waiting(team):
    brakes = {"labour": LabourFactory(store=team.store, code="B001", name="更换前刹车片", job_type=JobType.BRAKES),
              "part": PartFactory(store=team.store, number="5Q0698151AD", name="前刹车片(套)")}
    return drive(new_order(team, VehicleFactory(store=team.store), brakes), S.REPAIR_DONE)


def test_qc2_the_list_changes_what_the_inspector_checks_and_earlier_inspections_keep_theirs(
        team, manager, inspector, waiting):
    earlier = drive(new_order(team, VehicleFactory(store=team.store), {
        "labour": LabourFactory(store=team.store, code="B002", job_type=JobType.BRAKES),
        "part": PartFactory(store=team.store, number="P2")}), S.REPAIR_DONE)
    inspection_record(work_order=earlier, inspector=inspector, passed=True, data=qc_pass(earlier))
    before = list(InspectionItem.objects.filter(inspection__work_order=earlier).values_list("label", flat=True))
    assert "驻车制动有效" in before
    client = login(manager, "en")
    client.post(reverse("inspection:qc_checks_add", args=[JobType.BRAKES]), {"label": "制动盘厚度在标准内"})
    parking = QcCheckItem.objects.get(store=team.store, label="驻车制动有效")
    client.post(reverse("inspection:qc_checks_deactivate", args=[parking.pk]))
    labels = [c.label for c in inspection_checklist(waiting)]
    assert "制动盘厚度在标准内" in labels and "驻车制动有效" not in labels
    inspection = inspection_record(work_order=waiting, inspector=inspector, passed=True, data=qc_pass(waiting))
    assert "制动盘厚度在标准内" in set(inspection.items.values_list("label", flat=True))
    assert list(InspectionItem.objects.filter(inspection__work_order=earlier).values_list("label", flat=True)) == before
    assert Inspection.objects.count() == 2
    assert SettingChange.objects.filter(model="inspection.qccheckitem", actor=manager).count() == 3


def test_rec5_the_walk_around_list_changes_what_a_walk_around_asks(team, manager):
    client = login(manager, "en")
    page = client.get(reverse("reception:walkaround_checks_page")).content.decode()
    assert "备胎与随车工具" in page
    client.post(reverse("reception:walkaround_checks_add"), {"label": "行车记录仪"})
    spare = WalkAroundCheckItem.objects.get(store=team.store, key="spare")
    client.post(reverse("reception:walkaround_checks_deactivate", args=[spare.pk]))
    labels = [i.label for i in checklist_items(store=team.store)]
    assert labels[-1] == "行车记录仪" and "备胎与随车工具" not in labels
    assert WalkAroundCheckItem.objects.get(store=team.store, label="行车记录仪").key.startswith("item-")


@pytest.mark.parametrize("role", [Role.SERVICE_ADVISOR, Role.QC_INSPECTOR, Role.TECHNICIAN, Role.FOREMAN])
def test_other_roles_get_403(team, role):
    client = login(team[role], "en")
    for url in (self_checks(), qc_checks(), reverse("reception:walkaround_checks_page")):
        assert client.get(url).status_code == 403
    assert client.post(reverse("inspection:qc_checks_add", args=[JobType.BRAKES]),
                       {"label": "x"}).status_code == 403
    assert not QcCheckItem.objects.exists()


def test_the_group_manager_keeps_no_store_list(team, group_manager):
    assert login(group_manager, "en").get(self_checks()).status_code == 403


def test_another_stores_item_is_a_404(team, manager, other_team):
    other = SelfCheckItem.objects.create(store=other_team.store, job_type=JobType.BRAKES, label="别店")
    response = login(manager, "en").post(reverse("workshop:self_checks_deactivate", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.active
