"""The self-check list's settings page (REP-15, issue 18): per kind of job, the checks a technician ticks before
a job is done. The page and its writes are the core's checklist pages; the list and its defaults are this stage's."""

from django.utils.translation import gettext_lazy as _

from dealership.checklist_pages import checklist_views
from dealership.checklist_settings import ChecklistSpec

from .jobs import COMMON_CHECKS, DEFAULT_SELF_CHECKS
from .models import SelfCheckItem

SPEC = ChecklistSpec(
    slug="self_checks", namespace="workshop", model=SelfCheckItem, rule="REP-15",
    title=_("Self-check lists"),
    intro=_("What the technician checks and ticks before a job of this kind is done."),
    defaults=lambda job_type: [("", label) for label in DEFAULT_SELF_CHECKS.get(job_type, [])],
    common=COMMON_CHECKS, label_max=SelfCheckItem._meta.get_field("label").max_length)
VIEWS = checklist_views(SPEC)
