"""Free text has a limit (issue 16): every TextField of the project's models
has one of the named limits of dealership.textlimits, the database refuses
anything longer whatever writes it, and a form sent with 10,000 characters
is answered with a message on the form while what was saved stays."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse

from dealership.models import Role, WorkOrder
from dealership.textlimits import DESCRIPTION, LIMITS, NOTES, REASON, SIGNATURE, UNBOUNDED, length_checks

from ..cases import PROJECT_APPS
from ..conftest import login
from ..refusals import refused_by

S = WorkOrder.Status
TEN_THOUSAND = "长" * 10_000


def text_fields():
    """(label, model, field) of every free-text field of the project's models."""
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.fields:
            if isinstance(field, models.CharField | models.TextField):
                yield f"{model._meta.label}.{field.name}", model, field


def test_every_text_field_has_a_limit_the_database_keeps():
    """A new TextField without a limit (or a CharField without max_length)
    fails here: give it one of the named limits and its CHECK constraint, or
    say in UNBOUNDED why nobody types it."""
    without, unchecked, labels = [], [], set()
    for label, model, field in text_fields():
        labels.add(label)
        if isinstance(field, models.TextField):
            if label in UNBOUNDED:
                continue
            if field.max_length not in LIMITS:
                without.append(f"{label} (max_length={field.max_length})")
                continue
            [expected] = length_checks(**{field.name: field.max_length})
            expected.name %= {"app_label": model._meta.app_label, "class": model.__name__.lower()}
            if expected not in model._meta.constraints:
                unchecked.append(label)
        elif field.max_length is None:
            without.append(label)
    assert without == [] and unchecked == []
    assert set(UNBOUNDED) <= labels  # no stale entry


@pytest.mark.django_db
def test_the_migrations_put_every_check_in_the_database():
    missing = []
    with connection.cursor() as cursor:
        for _label, model, field in text_fields():
            if not isinstance(field, models.TextField) or not field.max_length:
                continue
            name = f"{model._meta.db_table}_{field.name}_length"
            if name not in connection.introspection.get_constraints(cursor, model._meta.db_table):
                missing.append(name)
    assert missing == []


def test_the_limits_are_few_and_ordered():
    assert REASON < DESCRIPTION < NOTES < SIGNATURE
    assert len(LIMITS) == 4


# --- the database refuses, whatever the entry point ------------------------------------------

def refused_by_the_database(queryset, **values) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_rec4_the_database_refuses_a_customer_description_beyond_its_limit(draft_order):
    """REC-4 (dealership): a customer's description written by code that
    skips the forms (a bulk update here) still cannot pass the limit."""
    orders = WorkOrder.objects.filter(pk=draft_order.pk)
    assert refused_by_the_database(orders, customer_words="x" * (DESCRIPTION + 1))
    assert not refused_by_the_database(orders, customer_words="x" * DESCRIPTION)


def test_apt2_a_booking_with_an_overlong_description_is_refused_for_its_length(team, catalogue):
    """APT-2 (appointments): the service itself refuses a description beyond
    its limit with a message saying so (it used to reach the database, whose
    refusal the booking took for a slot taken by someone else), and nothing
    is saved."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from appointments.models import Appointment
    from appointments.services import appointment_book

    from ..factories import VehicleFactory

    vehicle = VehicleFactory(store=team.store)
    with refused_by("APT-2") as refused:
        appointment_book(
            store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer, vehicle=vehicle,
            advisor=team[Role.SERVICE_ADVISOR], customer_words="异响" * DESCRIPTION, pre_diagnosis="检查",
            starts_at=datetime.combine(timezone.localdate() + timedelta(days=1), time(9, 0),
                                       tzinfo=timezone.get_current_timezone()),
            labour_operations=[catalogue["labour"]])
    assert refused.value.rule == "APT-2" and str(DESCRIPTION) in refused.value.message
    assert not Appointment.objects.exists() and not WorkOrder.objects.exists()


def test_qc4_an_inspection_with_overlong_findings_is_refused_for_its_length(order_in, team):
    """QC-4 (inspection): the same for the inspection, whose service took any
    refusal of the database for a second inspector recording the round."""
    from demo.builder import qc_fail
    from inspection.models import Inspection
    from inspection.services import inspection_record

    order = order_in(S.REPAIR_DONE)
    with refused_by("QC-4") as refused:
        inspection_record(work_order=order, inspector=team[Role.QC_INSPECTOR], passed=False,
                          data=qc_fail(order, reason="x" * (DESCRIPTION + 1)))
    assert refused.value.rule == "QC-4" and str(DESCRIPTION) in refused.value.message
    assert not Inspection.objects.exists()


def test_set11_a_declined_work_signature_beyond_its_limit_is_refused(order_in):
    """SET-11 (settlement): the customer's signature on the declined-work form
    is bounded too (drawn, not typed, but sent by the browser)."""
    from settlement.models import Delivery
    from settlement.services import delivery_for

    delivery = delivery_for(order_in(S.READY))
    too_long = "data:image/png;base64," + "A" * SIGNATURE
    assert refused_by_the_database(Delivery.objects.filter(pk=delivery.pk), declined_signature=too_long)


# --- a form sent with 10,000 characters: a message, nothing lost ------------------------------

def test_rec4_rec9_a_10000_character_description_is_refused_on_the_form(draft_order, advisor):
    """REC-4, REC-9, REC-X6 (reception): the work order stays complete and
    legible: 10,000 characters are refused with a message, the box keeps
    what was typed so it can be shortened, and the saved text stays."""
    response = login(advisor, "en").post(reverse("reception:order_details", args=[draft_order.pk]), {
        "version": draft_order.version, "customer_words": TEN_THOUSAND, "diagnosis": "刹车片磨损",
        "promised_at": "", "customer_waits": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"At most {DESCRIPTION} characters: this text has 10000" in html
    assert f'maxlength="{DESCRIPTION}"' in html and TEN_THOUSAND in html
    draft_order.refresh_from_db()
    assert draft_order.customer_words == "刹车有异响" and draft_order.diagnosis == "前刹车片磨损到极限"


def test_rec7_a_10000_character_note_on_the_walk_around_is_refused_on_the_form(draft_order, advisor):
    response = login(advisor, "en").post(reverse("reception:order_walkaround", args=[draft_order.pk]), {
        "mileage": draft_order.vehicle.mileage + 10, "fuel_level": "50", "exterior_notes": TEN_THOUSAND})
    from reception.models import WalkAround

    assert response.status_code == 400 and f"At most {DESCRIPTION} characters" in response.content.decode()
    assert not WalkAround.objects.filter(work_order=draft_order).exists()


def test_rep16_a_10000_character_repair_report_is_refused_on_the_card(order_in, team):
    """REP-16 (workshop): the report is refused for its length, not taken as
    missing, and the job stays open."""
    from demo.builder import drawn_signature
    from workshop.jobs import self_check_items
    from workshop.models import Job

    from ..workshop.helpers import working

    job = working(order_in(S.SIGNED), team)
    items = self_check_items(store=job.work_order.store, job_type=job.job_type)
    response = login(team[Role.TECHNICIAN], "en").post(reverse("workshop:finish", args=[job.pk]), {
        f"job{job.pk}-report": TEN_THOUSAND, f"job{job.pk}-signature": drawn_signature(3),
        f"job{job.pk}-checks": items}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422 and f"At most {NOTES} characters" in html
    assert "Write the repair report" not in html
    job.refresh_from_db()
    assert job.status != Job.Status.DONE and job.report == ""


def test_qc4_10000_characters_of_findings_are_refused_on_the_inspection_form(order_in, team):
    """QC-4, QC-6 (inspection)."""
    from inspection.models import Inspection

    order = order_in(S.REPAIR_DONE)
    response = login(team[Role.QC_INSPECTOR], "en").post(reverse("inspection:record", args=[order.pk]), {
        "result": "fail", "notes": TEN_THOUSAND})
    assert response.status_code == 400 and f"At most {DESCRIPTION} characters" in response.content.decode()
    assert not Inspection.objects.exists()


def test_fu2_10000_characters_of_a_call_are_refused_on_the_form(order_in, team):
    """FU-2 (follow-up): what the customer said is kept in full up to the
    limit; beyond it the agent is asked to shorten it."""
    from followup.models import FollowUpCall, FollowUpTask
    from followup.services import followup_tasks_create_due

    order_in(S.DELIVERED)
    followup_tasks_create_due()
    task = FollowUpTask.objects.get()
    response = login(team[Role.FOLLOWUP_AGENT], "en").post(reverse("followup:record_call", args=[task.pk]), {
        "reached": "1", "channel": "phone", "satisfaction": "3", "customer_words": TEN_THOUSAND})
    assert response.status_code == 400 and f"At most {NOTES} characters" in response.content.decode()
    assert not FollowUpCall.objects.exists()


def test_a_text_at_its_limit_with_line_breaks_is_taken_as_the_counter_said(draft_order, advisor):
    """A browser counts a line break as one character but sends two (CR LF):
    the form counts what the person saw, so a box the counter showed as full
    is saved, not refused."""
    words = ("刹车异响\r\n" * (DESCRIPTION // 5))[:DESCRIPTION + DESCRIPTION // 5]
    assert len(words.replace("\r\n", "\n")) <= DESCRIPTION < len(words)
    response = login(advisor, "en").post(reverse("reception:order_details", args=[draft_order.pk]), {
        "version": draft_order.version, "customer_words": words, "diagnosis": "刹车片磨损",
        "promised_at": "", "customer_waits": ""})
    assert response.status_code == 302
    draft_order.refresh_from_db()
    assert draft_order.customer_words == words.replace("\r\n", "\n").strip()



# --- texts already longer when the limits came in ---------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_fu2_a_complaint_already_longer_than_its_limit_is_kept_whole_by_the_migration(draft_order):
    """The migration that brings in the limit neither fails on a text saved
    before (10,000 characters of a complaint, FU-2) nor shortens it silently:
    the whole text is kept in TextOverflow, the field holds its start and
    says where the rest is, and the CHECK constraint is in place after."""
    from django.db.migrations.executor import MigrationExecutor

    from dealership.models import TextOverflow
    from followup.models import Complaint

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate([("followup", target)])

    migrate("0002_complaint_complaintevent_correctiveaction_and_more")
    try:
        words = "客户说" + "长" * 9_990 + "结尾的话"
        complaint = Complaint.objects.create(store=draft_order.store, work_order=draft_order, description=words)
        migrate("0003_text_limits")
    finally:  # back to the newest migration, whatever came after the limits
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("followup")[0][1])
    complaint.refresh_from_db()
    kept = TextOverflow.objects.get()
    assert (kept.model, kept.object_id, kept.field, kept.text) == ("followup.Complaint", str(complaint.pk),
                                                                   "description", words)
    assert len(complaint.description) == NOTES and complaint.description.startswith("客户说长长")
    tail = complaint.description[-80:]  # says that it was shortened, how long it was, and where the rest is
    assert str(len(words)) in tail and f" {kept.pk}" in tail
    assert refused_by_the_database(Complaint.objects.filter(pk=complaint.pk), description=words)


# --- the box: maxlength and the counter of characters left -----------------------------------

def test_rec4_the_boxes_carry_their_limit_and_the_page_loads_the_counter(draft_order, advisor):
    """REC-4: every box of the order page stops at its limit, and the page
    loads the counter (static/js/textlimit.js, no inline script) with its
    words in the reader's language."""
    import re

    html = login(advisor).get(reverse("reception:order", args=[draft_order.pk])).content.decode()
    boxes = re.findall(r"<textarea[^>]*>", html)
    assert boxes and all("maxlength=" in box for box in boxes), boxes
    assert re.search(rf'<textarea name="customer_words"[^>]* maxlength="{DESCRIPTION}"', html)
    assert '<script src="/static/js/textlimit.js"></script>' in html
    assert 'data-msg-chars-left="还可输入 {n} 字"' in html



def test_the_python_field_renderer_gives_the_box_its_maxlength():
    """Forms render through dealership/templatetags/bsforms.py and the
    widget renderer's fast path: the limit reaches the box there too (the
    comparison with crispy and Django's templates is in test_bsforms.py and
    test_formrenderer.py)."""
    from django import forms

    from dealership.forms import FreeTextField
    from dealership.templatetags.bsforms import as_field

    class Form(forms.Form):
        note = FreeTextField(label="备注", max_length=DESCRIPTION)

    html = as_field(Form()["note"])
    assert f'maxlength="{DESCRIPTION}"' in html and "<textarea" in html
