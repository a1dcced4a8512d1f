"""The header's links, per role. URL names are strings here, so the shared
core does not import the stage apps."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .access import ADVISORS, MANAGERS, WORKSHOP
from .models import Role, User


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: tuple[str, ...]


NAV: list[NavItem] = [
    NavItem("appointments:list", _("Appointments"), (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS)),
    NavItem("appointments:arrivals", _("Arrivals"), (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS)),
    NavItem("appointments:parts", _("Appointment shelf"), (Role.PARTS_CLERK, *MANAGERS)),
    NavItem("reception:desk", _("Advisor desk"), (*ADVISORS, *MANAGERS)),
    NavItem("workshop:mine", _("My jobs"), (Role.TECHNICIAN,)),
    NavItem("workshop:board", _("Workshop"), (Role.FOREMAN, Role.TECHNICAL_EXPERT, *ADVISORS, *MANAGERS)),
    NavItem("workshop:parts_counter", _("Parts counter"), (Role.PARTS_CLERK, *MANAGERS)),
    NavItem("inspection:queue", _("QC queue"), (Role.QC_INSPECTOR, *MANAGERS)),
    NavItem("settlement:queue", pgettext_lazy("navigation", "Settlement"), (Role.CASHIER, *ADVISORS, *MANAGERS)),
    NavItem("settlement:gate", _("Gate"), (Role.GATE_GUARD, *MANAGERS)),
    NavItem("followup:queue", _("Follow-up"), (Role.FOLLOWUP_AGENT, *MANAGERS)),
    NavItem("dealership:orders", _("Work orders"), tuple(r for r in Role.values if r != Role.GATE_GUARD)),
    NavItem("dealership:parts", _("Parts"), (Role.PARTS_CLERK, *ADVISORS, *WORKSHOP, *MANAGERS)),
    NavItem("reception:expert_queue", _("Expert questions"), (Role.TECHNICAL_EXPERT, Role.FOREMAN)),
    NavItem("followup:complaints", _("Complaints"), (Role.FOLLOWUP_AGENT, *MANAGERS)),
    NavItem("followup:overview", _("Dashboard"), MANAGERS),  # the other figures are linked from it
]


def nav_for(user: User, current: str) -> list[dict]:
    return [
        {"url": reverse(item.url_name), "label": item.label, "active": item.url_name == current}
        for item in NAV
        if user.has_role(*item.roles)
    ]
