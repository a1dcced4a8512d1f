"""The URLs of the project and one real record for each of their arguments:
shared by the permission matrix (tests/test_access.py) and the store
isolation and form tests (tests/security/)."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from appointments.arrivals import ticket_walk_in
from appointments.capacity import workshop_day
from appointments.models import BookingRequest, PartReservation
from appointments.services import appointment_book, appointment_cancel
from appointments.timetable import advisor_day
from dealership.catalogue import price_change_schedule
from dealership.checklist_settings import checklist_item_add
from dealership.messagetexts import message_text_save
from dealership.models import ImportRun, PastVisit, Role, WorkOrder
from dealership.staff import staff_update
from dealership.store_places import place_add
from dealership.store_settings import DayHours, closed_day_add, store_hours_set
from demo.builder import all_checks_fine, drive
from followup.models import FollowUpTask, MonthlyReport
from followup.services import action_create, complaint_record, followup_tasks_create_due
from inspection import checklist_views as qc_checks
from inspection.models import ParkingSpot
from reception import checklist_views as walkaround_checks
from reception.experts import expert_request_create
from reception.services import walkaround_record
from reception.walkaround import damage_mark_add, photo_add
from settlement.models import Adjustment
from settlement.services import statement_issue
from supply.counting import count_record, count_start
from workshop import checklist_views as self_checks
from workshop.changes import finding_report
from workshop.models import Bay, Job, Requisition

from .conftest import Team, new_order
from .factories import LabourFactory, PartFactory, VehicleFactory, staff

S = WorkOrder.Status
# The project's own apps (the models the isolation and history tests walk).
PROJECT_APPS = ("dealership", "supply", "appointments", "reception", "workshop", "inspection", "settlement", "followup",
                "mycar")
PUBLIC = {"login", "logout", "set_language", "healthz", "appointments:answer", "appointments:answer_new_time",
          "appointments:answer_no_new_time", "reception:customer_copy",
          "settlement:customer_documents", "settlement:customer_document", "followup:survey",
          "followup:reminder_book",
          "appointments:selfbook", "appointments:selfbook_verify", "appointments:selfbook_manage",
          "appointments:selfbook_request",
          "workshop:approve", "workshop:approve_photo",
          # the car's live status page and what it links to (issue 20): the signed token is the key
          "mycar:status", "mycar:status_now", "mycar:finding_decide", "mycar:finding_photo", "mycar:documents",
          "mycar:survey"}


def app_urls():
    """(name, callback) of every URL of the project's own apps."""
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                walk(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name:
                found.append((namespace + p.name, p.callback))

    walk(get_resolver().url_patterns)
    return found


URLS = app_urls()
SESSION_ENDING = {"logout_everywhere"}


def build_records(team: Team, plate: str = "粤A11111", mobile: str = "13900000000", every_status: bool = False) -> dict:
    """One record of each kind a URL can point at, in `team`'s store, built
    through the real services; the walk-in ticket carries `plate`, the booking
    request `mobile`. With
    `every_status`, also `orders`: one more order at each stop of the process
    (a page shows different forms at each)."""
    vehicle = VehicleFactory(store=team.store)
    catalogue = {"labour": LabourFactory(store=team.store), "part": PartFactory(store=team.store)}

    def order_in(status):
        return drive(new_order(team, vehicle, catalogue), status)

    delivered = order_in(S.DELIVERED)
    followup_tasks_create_due()
    in_repair = order_in(S.IN_REPAIR)
    tomorrow = timezone.localdate() + timedelta(days=1)
    appointment = appointment_book(
        store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer,
        vehicle=VehicleFactory(store=team.store), advisor=team[Role.SERVICE_ADVISOR],
        starts_at=datetime.combine(tomorrow, time(9, 0), tzinfo=timezone.get_current_timezone()),
        customer_words="异响", pre_diagnosis="检查", labour_operations=[catalogue["labour"]])
    line = delivered.lines.first()
    # an appointment the shop could not keep, with new times offered to the customer (APT-10)
    later = tomorrow + timedelta(days=1)
    offered = appointment_book(
        store=team.store, actor=team[Role.APPOINTMENT_AGENT], customer=vehicle.customer,
        vehicle=VehicleFactory(store=team.store), advisor=team[Role.SERVICE_ADVISOR],
        starts_at=next(s.starts_at for s in advisor_day(store=team.store, advisor=team[Role.SERVICE_ADVISOR],
                                                        day=later) if s.bookable),
        customer_words="异响", pre_diagnosis="检查", labour_operations=[catalogue["labour"]])
    appointment_cancel(appointment=offered, actor=team[Role.SERVICE_ADVISOR], reason="技师病假", by_shop=True)

    ticket = ticket_walk_in(store=team.store, actor=team[Role.APPOINTMENT_AGENT], plate=plate, name="路人")
    reservation = PartReservation.objects.create(
        store=team.store, appointment=appointment, line=appointment.work_order.lines.first(), part=catalogue["part"],
        quantity=1, status=PartReservation.Status.SHORT, reserved_by=team[Role.PARTS_CLERK])
    booking_request = BookingRequest.objects.create(store=team.store, source="phone", name="李", mobile=mobile)
    draft = new_order(team, VehicleFactory(store=team.store), catalogue)

    walkaround = walkaround_record(work_order=draft, actor=team[Role.SERVICE_ADVISOR], mileage=30500,
                                   fuel_level="50", checks=all_checks_fine(team.store))
    mark = damage_mark_add(walkaround=walkaround, actor=team[Role.SERVICE_ADVISOR], x=10, y=20, kind="dent")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    picture = photo_add(walkaround=walkaround, actor=team[Role.SERVICE_ADVISOR],
                        upload=SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png"))
    question = expert_request_create(work_order=draft, actor=team[Role.SERVICE_ADVISOR], kind="expert",
                                     question="异响来源?")

    requisition = Requisition.objects.filter(work_order=in_repair).first()  # drawn when the work started
    finding = finding_report(work_order=in_repair, actor=team[Role.TECHNICIAN], description="减震器漏油")
    more = {}
    if every_status:
        billed = order_in(S.READY)
        statement_issue(work_order=billed, advisor=billed.advisor)
        more["orders"] = [order_in(status).pk for status in (
            S.SIGNED, S.REPAIR_DONE, S.QC_FAILED, S.QC_PASSED, S.READY, S.SETTLED, S.CLOSED)] + [
            billed.pk, draft.pk, new_order(team, VehicleFactory(store=team.store), catalogue).pk]
    return {
        **more,
        "order": delivered.pk, "job": Job.objects.filter(work_order=in_repair).first().pk,
        "requisition": requisition.pk, "finding": finding.pk,
        "appointment": appointment.pk, "offered": offered.pk, "task": FollowUpTask.objects.get(work_order=delivered).pk,
        "line": line.pk, "ticket": ticket.pk, "reservation": reservation.pk, "request": booking_request.pk,
        "workshop_day": workshop_day(store=team.store, day=tomorrow, trade="mechanical").pk,
        "customer": vehicle.customer_id, "vehicle": vehicle.pk,
        "draft": draft.pk, "mark": mark.pk, "photo": picture.pk, "question": question.pk, "=damage": "damage",
        "adjustment": Adjustment.objects.create(store=team.store, work_order=delivered, kind="goodwill",
                                                amount=-1, reason="x", requested_by=team[Role.SERVICE_ADVISOR]).pk,
        "payment": delivered.payments.first().pk, "=statement": "statement",
        **followup_records(team, delivered),
        "person": staff_person(team),
        "past_visit": past_visit(vehicle), "=customers": "customers",
        **catalogue_records(team, catalogue),
        **counting_records(team, catalogue),
        **store_settings_records(team),
        **checklist_records(team),
        "import": import_run(team), "=kind": "customers",
        **receiving_records(team, catalogue),
        **purchasing_records(team, catalogue),
    }


def receiving_records(team, catalogue) -> dict:
    """A sent purchase order still to receive, and a delivery received on another (issue 19)."""
    from supply.models import PurchaseOrder, PurchaseOrderLine, Supplier
    from supply.receiving import ReceiptInput, receipt_record

    supplier, _made = Supplier.objects.get_or_create(store=team.store, name="收货供应商")
    orders = []
    for number in ("PO-R1", "PO-R2"):
        order = PurchaseOrder.objects.create(store=team.store, number=number, supplier=supplier,
                                             status=PurchaseOrder.Status.SENT, expected_on=timezone.localdate(),
                                             created_by=team[Role.PARTS_CLERK])
        PurchaseOrderLine.objects.create(store=team.store, order=order, part=catalogue["part"], quantity=2,
                                         unit_cost=Decimal("300.00"))
        orders.append(order)
    receipt = receipt_record(actor=team[Role.PARTS_CLERK], order=orders[1], delivery_note="DN-R2",
                             lines=[ReceiptInput(orders[1].lines.get(), 1)])
    return {"receiving_order": orders[0].pk, "receipt": receipt.pk}


def past_visit(vehicle) -> int:
    """A visit of the car brought over from the old system (issue 18): on the car's and the customer's page."""
    return PastVisit.objects.create(
        store=vehicle.store, vehicle=vehicle, customer=vehicle.customer, old_number=f"OLD-{vehicle.plate}",
        visited_on=date(2025, 3, 17), mileage=20000, summary="保养", maintenance=True, total=Decimal("500.00"),
        lines=[{"kind": "labour", "code": "BY01", "description": "保养工时", "quantity": "1", "unit_price": "500.00",
                "amount": "500.00"}]).pk


def store_settings_records(team) -> dict:
    """The store of the settings pages, a closed day still to come (far enough not to close the days booked above),
    a bay, a parking spot and the weekday hours (as they were), each set once through their page's service."""
    manager = team[Role.AFTERSALES_MANAGER]
    closed = closed_day_add(actor=manager, store=team.store, day=timezone.localdate() + timedelta(days=60),
                            name="国庆节")
    bay = place_add(actor=manager, store=team.store, model=Bay, name="设置工位", trade="mechanical")
    spot = place_add(actor=manager, store=team.store, model=ParkingSpot, name="设置车位")
    same = DayHours(team.store.opens_at, team.store.closes_at)  # a row for each weekday, the hours unchanged
    store_hours_set(actor=manager, store=team.store, week=dict.fromkeys(range(7), same))
    return {"store": team.store.pk, "closed_day": closed.pk, "bay": bay.pk, "spot": spot.pk}


def staff_person(team) -> int:
    """An account of the store for the staff pages (one of its own: a manager's POST may deactivate it), renamed
    once on the staff page, so the settings change log has a row."""
    person = staff(Role.PARTS_CLERK, team.store)
    staff_update(actor=team[Role.AFTERSALES_MANAGER], user=person, display_name="备件员乙", phone="",
                 roles=[Role.PARTS_CLERK], trade="")
    return person.pk


def catalogue_records(team, catalogue) -> dict:
    """The catalogue pages' items (issue 18), each with a price change scheduled, so the price history and the
    settings change log have rows."""
    manager = team[Role.AFTERSALES_MANAGER]
    for item in catalogue.values():
        price_change_schedule(actor=manager, item=item, price=item.price + 10,
                              effective_from=timezone.localdate() + timedelta(days=30), reason="调价")
    return {"labour_operation": catalogue["labour"].pk, "catalogue_part": catalogue["part"].pk}


def counting_records(team, catalogue) -> dict:
    """A stock count of the catalogue's part (issue 19), started by the parts clerk, its line counted once."""
    count = count_start(actor=team[Role.PARTS_CLERK], store=team.store, number_from=catalogue["part"].number,
                        number_to=catalogue["part"].number)
    line = count.lines.get()
    count_record(actor=team[Role.PARTS_CLERK], line=line, counted=line.expected)
    return {"stock_count": count.pk, "count_line": line.pk}


def checklist_records(team) -> dict:
    """The store's own checklists (each made its own by adding a check) and a message text of its own, for the
    settings pages of issue 18."""
    manager = team[Role.AFTERSALES_MANAGER]
    checks = {}
    for key, spec in (("self_check", self_checks.SPEC), ("qc_check", qc_checks.SPEC),
                      ("walkaround_check", walkaround_checks.SPEC)):
        checks[key] = checklist_item_add(spec=spec, store=team.store, actor=manager, job_type="brakes"
                                         if spec.by_job_type else "", label="试车确认").pk
    message_text_save(store=team.store, actor=manager, name="survey", language="zh-hans", subject="回访",
                      body="{{ name }}您好：{{ link }}")
    return {**checks, "=job_type": "brakes", "=message": "survey", "=language": "zh-hans"}
def purchasing_records(team, catalogue) -> dict:
    """A supplier of the store, the catalogue part's supply settings (under its minimum, so the suggestions page
    shows its order form) and a draft purchase order of it (issue 19), each made through supply's services."""
    from supply.purchasing import OrderLine, po_create
    from supply.suppliers import part_supply_save, supplier_save

    clerk = team[Role.PARTS_CLERK]
    supplier = supplier_save(actor=clerk, store=team.store, name="备件中心", lead_days=2)
    part_supply_save(actor=clerk, part=catalogue["part"], supplier=supplier, location="A-01-1", min_stock=10)
    po = po_create(actor=clerk, store=team.store, supplier=supplier, lines=[OrderLine(catalogue["part"], 2)])
    return {"supplier": supplier.pk, "purchase_order": po.pk, "purchase_order_line": po.lines.get().pk}


def import_run(team) -> int:
    """A checked import of the store, waiting for its manager's "Import" (issue 18)."""
    return ImportRun.objects.create(
        store=team.store, kind=ImportRun.Kind.CUSTOMERS, file_name="customers.xlsx", sha256="0" * 64,
        status=ImportRun.Status.CHECKED, rows_total=1, created_by=team[Role.AFTERSALES_MANAGER]).pk


def followup_records(team, delivered):
    complaint = complaint_record(work_order=delivered, description="等太久", actor=team[Role.FOLLOWUP_AGENT])
    action = action_create(manager=team[Role.AFTERSALES_MANAGER], kind="corrective", title="增加接车人手",
                           owner=team[Role.SERVICE_ADVISOR], due_on=date(2026, 12, 31), complaints=[complaint])
    report = MonthlyReport(group=team.store.group, store=team.store, month=date(2026, 10, 1))
    report.pdf.save("2026-10.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return {"complaint": complaint.pk, "action": action.pk, "report": report.pk, "=code": "APT-X9", "=process": "process"}


# Which record each URL's arguments name.
ARGS = {
    "dealership:order": ["order"], "dealership:customer": ["customer"], "dealership:car": ["vehicle"],
    "dealership:staff_detail": ["person"], "dealership:staff_deactivate": ["person"],
    "dealership:staff_reactivate": ["person"], "dealership:staff_password": ["person"],
    "dealership:staff_move": ["person"],
    "dealership:export": ["=customers"],
    **{f"dealership:catalogue_labour_{view}": ["labour_operation"]
       for view in ("detail", "price", "deactivate", "reactivate")},
    **{f"dealership:catalogue_parts_{view}": ["catalogue_part"]
       for view in ("detail", "price", "deactivate", "reactivate")},
    "dealership:store_settings": ["store"], "dealership:store_hours": ["store"],
    "dealership:store_closed_add": ["store"], "dealership:store_closed_remove": ["store", "closed_day"],
    "workshop:bays": ["store"], "workshop:bay_edit": ["store", "bay"],
    "inspection:spots": ["store"], "inspection:spot_edit": ["store", "spot"],
    "dealership:message_text": ["=message"], "dealership:message_text_save": ["=message", "=language"],
    "dealership:message_text_preview": ["=message", "=language"],
    "dealership:message_text_reset": ["=message", "=language"],
    **{f"{ns}:{slug}_{what}": [record] for ns, slug, record in (
        ("workshop", "self_checks", "self_check"), ("inspection", "qc_checks", "qc_check"),
        ("reception", "walkaround_checks", "walkaround_check"))
       for what in ("rename", "up", "down", "deactivate", "reactivate")},
    **{f"{ns}:{slug}_{what}": ["=job_type"] for ns, slug in (("workshop", "self_checks"), ("inspection", "qc_checks"))
       for what in ("type", "own", "add")},
    "dealership:import_run": ["import"], "dealership:import_progress": ["import"],
    "dealership:import_start": ["import"], "dealership:import_template": ["=kind"],
    **{f"supply:order{view}": ["purchase_order"]
       for view in ("", "_line_add", "_send", "_cancel", "_pdf", "_csv")},
    "supply:order_line_set": ["purchase_order_line"], "supply:order_line_remove": ["purchase_order_line"],
    "supply:supplier_edit": ["supplier"], "supply:part_supply": ["catalogue_part"],
    "appointments:detail": ["appointment"], "appointments:prepare": ["appointment"],
    "appointments:reschedule": ["appointment"], "appointments:cancel": ["appointment"],
    "appointments:no_show": ["appointment"], "appointments:arrive": ["appointment"],
    "appointments:offer_book": ["offered"], "appointments:offer_decline": ["offered"],
    "appointments:reserve": ["appointment"], "appointments:call": ["ticket"], "appointments:left": ["ticket"],
    "appointments:reservation_retry": ["reservation"], "appointments:reservation_expected": ["reservation"],
    "appointments:request_close": ["request"], "appointments:capacity_set": ["workshop_day"],
    "reception:order_greet": ["draft"], "reception:order_damage": ["draft"],
    "reception:order_damage_remove": ["draft", "mark"], "reception:order_photo": ["draft"],
    "reception:photo": ["photo"], "reception:order_expert": ["draft"], "reception:expert_reply": ["question"],
    "reception:order_send_copy": ["order"], "reception:order_section": ["draft", "=damage"],
    "reception:receive": ["appointment"],
    "reception:order": ["order"], "reception:order_missing": ["order"], "reception:order_details": ["order"], "reception:order_walkaround": ["order"],
    "reception:order_add_line": ["order"], "reception:order_decline_line": ["order", "line"],
    "reception:order_sign": ["order"], "reception:order_cancel": ["order"], "reception:order_pdf": ["order"],
    "workshop:finish": ["job"], "workshop:assign": ["job"], "workshop:job_status": ["job"],
    "workshop:clock_on": ["job"], "workshop:pause": ["job"], "workshop:request_part": ["job"],
    "workshop:report_finding": ["job"], "workshop:free_fix": ["job"], "workshop:ask_expert": ["job"],
    "workshop:old_part": ["job"], "workshop:issue": ["requisition"], "workshop:return_part": ["requisition"],
    "workshop:delay": ["order"], "workshop:finding": ["finding"], "workshop:finding_add_item": ["finding"], "workshop:finding_phone": ["finding"],
    "workshop:finding_send": ["finding"], "workshop:finding_photo": ["finding"],
    "workshop:finding_remove_item": ["finding", "line"],
    "inspection:inspect": ["order"], "inspection:record": ["order"], "inspection:handover": ["order"],
    "inspection:finding": ["order"], "inspection:wash": ["order"], "inspection:park": ["order"],
    "inspection:acknowledge": ["order"], "inspection:guarantee_card": ["order"],
    "settlement:order": ["order"], "settlement:pay": ["order"], "settlement:issue_gate_pass": ["order"],
    "settlement:adjust": ["order"], "settlement:bill_as_issued": ["order", "line"],
    "settlement:decide": ["order", "adjustment"], "settlement:issue_statement": ["order"],
    "settlement:void": ["order", "payment"], "settlement:refund": ["order"], "settlement:deliver": ["order"],
    "settlement:document": ["order", "=statement"], "settlement:send_documents": ["order"],
    "followup:task": ["task"], "followup:record_call": ["task"],
    "followup:complaint": ["complaint"], "followup:complaint_assign": ["complaint"],
    "followup:complaint_handle": ["complaint"], "followup:complaint_close": ["complaint"],
    "followup:action_done": ["action"], "followup:compliance_cases": ["=code"], "followup:spot_check": ["order"],
    "followup:report_download": ["report"], "followup:export": ["=process"],
    "supply:receive": ["receiving_order"], "supply:receipt": ["receipt"],
    **{f"supply:count{what}": ["stock_count"] for what in ("", "_submit", "_approve", "_send_back", "_cancel")},
    "supply:count_line": ["stock_count", "count_line"],
}


def url_for(name, records):
    return reverse(name, args=[records[k] for k in ARGS.get(name, [])])
