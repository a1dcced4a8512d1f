"""The walk-around checklist's settings page (REC-5, issue 18): the items the advisor checks with the customer at
reception. The page and its writes are the core's checklist pages; the list and its defaults are this stage's."""

from django.utils.translation import gettext_lazy as _

from dealership.checklist_pages import checklist_views
from dealership.checklist_settings import ChecklistSpec

from .models import WalkAroundCheckItem
from .walkaround import DEFAULT_ITEMS

SPEC = ChecklistSpec(
    slug="walkaround_checks", namespace="reception", model=WalkAroundCheckItem, rule="REC-5",
    title=_("Walk-around checklist"),
    intro=_("What the advisor checks on the car with the customer at reception; a walk-around is complete when "
            "every item has an answer."),
    defaults=lambda _job_type: list(DEFAULT_ITEMS), by_job_type=False,
    label_max=WalkAroundCheckItem._meta.get_field("label").max_length)
VIEWS = checklist_views(SPEC)
