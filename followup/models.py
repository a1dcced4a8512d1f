"""Stage 6: follow-up (跟踪回访), complaints and corrective action, service
reminders and the monthly analysis report."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dealership.doors import transitions
from dealership.messages import render_message
from dealership.models import Channel, DealerGroup, Store, Vehicle, WorkOrder
from dealership.models.base import CreatedBy, StoreOwned
from dealership.textlimits import DESCRIPTION, NOTES, length_checks

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Dimension(models.TextChoices):
    """The fixed dimensions a customer scores (1–5), in process order."""

    BOOKING = "booking", _("Booking")
    RECEPTION = "reception", _("Reception")
    QUALITY = "quality", _("Repair quality")
    ON_TIME = "on_time", _("On time")
    PRICE = "price", _("Price as quoted")
    CLEANLINESS = "cleanliness", _("Cleanliness")
    DELIVERY = "delivery", _("Delivery")
    OVERALL = "overall", _("Overall")


class FollowUpTask(StoreOwned):
    """One per delivered order (FU-1), created by the sweep; the one-to-one
    key is what makes the sweep safe to run twice."""

    class Status(models.TextChoices):
        OPEN = "open", _("To call")
        DONE = "done", _("Done")

    TRANSITIONS = transitions({
        Status.OPEN: {Status.DONE},
        Status.DONE: set(),
    })

    work_order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="followup_task")
    due_from = models.DateTimeField(_("call from"))
    due_by = models.DateTimeField(_("call by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("try again at"), null=True, blank=True)
    survey_sent_at = models.DateTimeField(_("survey link sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_by", "id"]
        indexes = [models.Index(fields=["store", "status", "due_by"]), models.Index(fields=["store", "done_at"]),
                   models.Index(fields=["store", "due_by"], name="followup_due")]  # issue 21: the compliance cases of a month

    def __str__(self) -> str:
        return f"follow-up {self.work_order_id}"


class FollowUpCall(StoreOwned):
    """What the customer said, fully, satisfied or not (FU-2), with the
    scores on each dimension; an answer through the survey link is a row too."""

    task = models.ForeignKey(FollowUpTask, on_delete=models.PROTECT, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                              blank=True, verbose_name=_("agent"))  # empty: the customer answered the link
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    reached = models.BooleanField(_("customer reached"))
    satisfaction = models.PositiveSmallIntegerField(_("overall satisfaction (1–5)"), null=True, blank=True,
                                                    validators=SCORE)
    booking = models.PositiveSmallIntegerField(_("booking"), null=True, blank=True, validators=SCORE)
    reception = models.PositiveSmallIntegerField(_("reception"), null=True, blank=True, validators=SCORE)
    quality = models.PositiveSmallIntegerField(_("repair quality"), null=True, blank=True, validators=SCORE)
    on_time = models.PositiveSmallIntegerField(_("on time"), null=True, blank=True, validators=SCORE)
    price = models.PositiveSmallIntegerField(_("price as quoted"), null=True, blank=True, validators=SCORE)
    cleanliness = models.PositiveSmallIntegerField(_("cleanliness"), null=True, blank=True, validators=SCORE)
    delivery = models.PositiveSmallIntegerField(_("delivery"), null=True, blank=True, validators=SCORE)
    customer_words = models.TextField(_("what the customer said"), blank=True, max_length=NOTES)
    complaint = models.BooleanField(_("complaint"), default=False)
    at = models.DateTimeField(_("called at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["store", "at"])]
        constraints = length_checks(customer_words=NOTES)

    def __str__(self) -> str:
        return f"call {self.task_id}"

    @property
    def score_list(self) -> list[tuple[str, int | None]]:
        return [(Dimension(d).label, getattr(self, d)) for d in Dimension.values if d != Dimension.OVERALL]

    def score(self, dimension: str) -> int | None:
        return self.satisfaction if dimension == Dimension.OVERALL else getattr(self, dimension)


class Complaint(StoreOwned):
    """A complaint, classified and handed to the people responsible, handled
    until the customer is called back and it is closed (FU-7)."""

    class Stage(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment")
        RECEPTION = "reception", _("Reception")
        REPAIR = "repair", _("Repair")
        QC = "qc", _("Quality inspection")
        SETTLEMENT = "settlement", _("Settlement and delivery")
        FOLLOWUP = "followup", _("Follow-up")

    class Category(models.TextChoices):
        QUALITY = "quality", _("Quality")
        PRICE = "price", _("Price")
        TIME = "time", _("Time")
        ATTITUDE = "attitude", _("Attitude")
        CLEANLINESS = "cleanliness", _("Cleanliness")
        PARTS = "parts", _("Parts")
        OTHER = "other", _("Other")

    class Department(models.TextChoices):
        SERVICE = "service", _("Service advisors")
        WORKSHOP = "workshop", _("Workshop")
        PARTS = "parts", _("Parts")
        QC = "qc", _("Quality inspection")
        CASHIER = "cashier", _("Cashier")
        MANAGEMENT = "management", _("Management")

    class Status(models.TextChoices):
        NEW = "new", _("New: to classify and assign")
        ASSIGNED = "assigned", _("Assigned: being handled")
        HANDLED = "handled", _("Handled: call the customer back")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = transitions({  # moved through followup.services.COMPLAINT, which writes a ComplaintEvent
        Status.NEW: {Status.ASSIGNED},
        Status.ASSIGNED: {Status.ASSIGNED, Status.HANDLED},  # ASSIGNED: given to someone else
        Status.HANDLED: {Status.ASSIGNED, Status.HANDLED, Status.CLOSED},  # HANDLED: what was done, rewritten
        Status.CLOSED: set(),
    })

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="complaints")
    call = models.ForeignKey(FollowUpCall, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.TextField(_("the complaint, in the customer's words"), max_length=NOTES)
    stage = models.CharField(_("stage of the process"), max_length=12, choices=Stage.choices, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    department = models.CharField(_("responsible department"), max_length=12, choices=Department.choices,
                                  blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("responsible person"))
    due_at = models.DateTimeField(_("handle by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    handling = models.TextField(_("what was done"), blank=True, max_length=DESCRIPTION)
    callback_result = models.TextField(_("the customer's answer on the call back"), blank=True,
                                       max_length=DESCRIPTION)
    satisfied_after = models.BooleanField(_("satisfied after handling"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "status", "due_at"]), models.Index(fields=["store", "created_at"])]
        constraints = length_checks(description=NOTES, handling=DESCRIPTION, callback_result=DESCRIPTION)

    def __str__(self) -> str:
        return self.description[:40]


class ComplaintEvent(StoreOwned):
    """The complaint's own timeline: who did what, when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    message = models.CharField(max_length=200)  # English message id, see dealership.messages
    params = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=NOTES)  # what a person wrote (the handling, the call back)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = length_checks(note=NOTES)

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        return render_message(self.message, self.params)


class CorrectiveAction(StoreOwned, CreatedBy):
    """A corrective or preventive measure set by the after-sales manager
    (FU-6), tied to complaints or to a trend, checked off with evidence."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CORRECTIVE)
    title = models.CharField(_("measure"), max_length=200)
    trend = models.CharField(_("trend it answers"), max_length=200, blank=True)
    complaints = models.ManyToManyField(Complaint, blank=True, related_name="actions", verbose_name=_("complaints"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due"))
    evidence = models.TextField(_("evidence it was done"), blank=True, max_length=DESCRIPTION)
    done_at = models.DateTimeField(null=True, blank=True)
    # issue 21: the "must avoid" item above its store's threshold that this measure answers, and the month
    item = models.CharField(_("must-avoid item"), max_length=10, blank=True)
    item_month = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["store", "done_at", "due_on"])]
        constraints = length_checks(evidence=DESCRIPTION)

    def __str__(self) -> str:
        return self.title


class ServiceReminder(StoreOwned):
    """A reminder sent before the next service or for deferred work coming
    due (FU-9): once per key, through the notification backend."""

    class Kind(models.TextChoices):
        NEXT_SERVICE = "next_service", _("Next service")
        DEFERRED = "deferred", _("Deferred work")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=80)
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)  # the customer asked for a booking through it
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["store", "key"], name="uniq_reminder_key")]
        indexes = [models.Index(fields=["store", "created_at"])]

    def __str__(self) -> str:
        return self.key


def report_path(instance: "MonthlyReport", filename: str) -> str:
    scope = f"store-{instance.store_id}" if instance.store_id else f"group-{instance.group_id}"
    return f"reports/{scope}/{instance.month:%Y-%m}.pdf"


class MonthlyReport(models.Model):
    """The monthly follow-up analysis report (FU-8), generated on the first
    of the month for each store and each group, and kept."""

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    month = models.DateField()  # the first day of the month reported on
    pdf = models.FileField(upload_to=report_path)
    generated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "store_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "store", "month"], name="uniq_report_store_month"),
            models.UniqueConstraint(fields=["group", "month"], condition=models.Q(store__isnull=True),
                                    name="uniq_report_group_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


# --- issue 21: the 58 "must avoid" items (followup/standard.py) -----------------------------------------

class ComplianceCount(StoreOwned):
    """How often one "must avoid" item happened in one store and month: the
    store's total (`person` empty) and each responsible person's part (the
    advisor of the order, or the technician of the job), counted by the
    compliance job so the page reads a few hundred rows, never the orders.
    For a refused item, `cases` are the refused attempts and `overrides` the
    times a manager let it through; for a measured or audited one, `cases`
    of `base`."""

    class Person(models.TextChoices):
        STORE = "", _("Store")
        ADVISOR = "advisor", _("Advisor")
        TECHNICIAN = "technician", _("Technician")

    month = models.DateField()  # the first day
    code = models.CharField(max_length=10)
    person_kind = models.CharField(max_length=10, choices=Person.choices, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    cases = models.PositiveIntegerField(default=0)
    base = models.PositiveIntegerField(default=0)
    overrides = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "month", "person_kind"]),
                   models.Index(fields=["month", "person_kind"])]

    def __str__(self) -> str:
        return f"{self.code} {self.month:%Y-%m}"


class ComplianceRun(models.Model):
    """One run of the compliance job: which month, for which store (empty:
    every store), when it started and ended, how many rows it wrote."""

    month = models.DateField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    trigger = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    stores = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    tasks = models.PositiveIntegerField(default=0)  # items above a threshold given to the manager

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["month", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.started_at:%Y-%m-%d %H:%M}"


class ComplianceThreshold(StoreOwned):
    """A store's own limit for an item (the item's default otherwise): a
    percentage of cases for a measured or audited item, a number of
    overrides in a month for a refused one."""

    code = models.CharField(max_length=10)
    limit = models.DecimalField(max_digits=6, decimal_places=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "code"], name="uniq_threshold_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.limit}"


class SpotCheck(StoreOwned, CreatedBy):
    """A manager's spot check on one order (issue 21): the audited items it
    covers, each kept or not, with a note."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="spot_checks")
    note = models.TextField(_("note"), blank=True, max_length=DESCRIPTION)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "created_at"])]
        constraints = length_checks(note=DESCRIPTION)

    def __str__(self) -> str:
        return f"{self.work_order} {self.created_at:%Y-%m-%d}"


class SpotCheckAnswer(models.Model):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="answers")
    code = models.CharField(max_length=10)
    kept = models.BooleanField()
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["spot_check", "code"], name="uniq_spot_answer")]
        indexes = [models.Index(fields=["code", "kept"])]

    def __str__(self) -> str:
        return f"{self.code} {'kept' if self.kept else 'not kept'}"
