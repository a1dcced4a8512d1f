"""The QC checklist's settings page (QC-2, issue 18): per kind of job, the documented checks the inspector answers.
The page and its writes are the core's checklist pages; the list and its defaults are this stage's."""

from django.utils.translation import gettext_lazy as _

from dealership.checklist_pages import checklist_views
from dealership.checklist_settings import ChecklistSpec

from .models import QcCheckItem
from .standards import COMMON_QC_CHECKS, DEFAULT_QC_CHECKS

SPEC = ChecklistSpec(
    slug="qc_checks", namespace="inspection", model=QcCheckItem, rule="QC-2",
    title=_("QC checklists"),
    intro=_("What the inspector checks on a car that had a job of this kind; inspections already made keep the "
            "checks they were made with."),
    defaults=lambda job_type: [("", label) for label in DEFAULT_QC_CHECKS.get(job_type, [])],
    common=COMMON_QC_CHECKS, label_max=QcCheckItem._meta.get_field("label").max_length)
VIEWS = checklist_views(SPEC)
