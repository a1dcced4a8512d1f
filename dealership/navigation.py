"""The header's links, per role. URL names are strings here, so the shared
core does not import the stage apps."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .access import ADVISORS, MANAGERS, WORKSHOP
from .models import Role, User

# More links than fit one row of a 1366 px laptop: group them by stage in menus.
FLAT_LIMIT = 7
MENUS = {
    "appointments": pgettext_lazy("menu", "Appointments"),
    "reception": pgettext_lazy("menu", "Reception"),
    "workshop": pgettext_lazy("menu", "Workshop"),
    "settlement": pgettext_lazy("menu", "Settlement"),
    "followup": pgettext_lazy("menu", "Follow-up"),
}


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: tuple[str, ...]
    menu: str = ""


NAV: list[NavItem] = [
    NavItem("appointments:list", _("Appointments"), (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS), "appointments"),
    NavItem("appointments:arrivals", _("Arrivals"), (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS), "appointments"),
    NavItem("appointments:parts", _("Appointment shelf"), (Role.PARTS_CLERK, *MANAGERS), "appointments"),
    NavItem("reception:desk", _("Advisor desk"), (*ADVISORS, *MANAGERS), "reception"),
    NavItem("workshop:mine", _("My jobs"), (Role.TECHNICIAN,), "workshop"),
    NavItem("workshop:board", _("Workshop"), (Role.FOREMAN, Role.TECHNICAL_EXPERT, *ADVISORS, *MANAGERS), "workshop"),
    NavItem("workshop:parts_counter", _("Parts counter"), (Role.PARTS_CLERK, *MANAGERS), "workshop"),
    NavItem("inspection:queue", _("QC queue"), (Role.QC_INSPECTOR, *MANAGERS), "workshop"),
    NavItem("settlement:queue", pgettext_lazy("navigation", "Settlement"), (Role.CASHIER, *ADVISORS, *MANAGERS),
            "settlement"),
    NavItem("settlement:gate", _("Gate"), (Role.GATE_GUARD, *MANAGERS), "settlement"),
    NavItem("followup:queue", _("Follow-up"), (Role.FOLLOWUP_AGENT, *MANAGERS), "followup"),
    NavItem("dealership:orders", _("Work orders"), tuple(r for r in Role.values if r != Role.GATE_GUARD)),
    NavItem("dealership:parts", _("Parts"), (Role.PARTS_CLERK, *ADVISORS, *WORKSHOP, *MANAGERS)),
    NavItem("reception:expert_queue", _("Expert questions"), (Role.TECHNICAL_EXPERT, Role.FOREMAN), "reception"),
    NavItem("followup:complaints", _("Complaints"), (Role.FOLLOWUP_AGENT, *MANAGERS), "followup"),
    NavItem("followup:overview", _("Dashboard"), MANAGERS, "followup"),  # the other figures are linked from it
]


def nav_for(user: User, current: str) -> list[dict]:
    """The header's entries: links, and where a role has more than fit one row, a menu
    per stage ({"label", "active", "links"}) in the place of its first link."""
    links = [
        {"url": reverse(item.url_name), "label": item.label, "active": item.url_name == current, "menu": item.menu}
        for item in NAV
        if user.has_role(*item.roles)
    ]
    if len(links) <= FLAT_LIMIT:
        return links
    entries: list[dict] = []
    menus: dict[str, dict] = {}
    for link in links:
        grouped = link["menu"] and sum(1 for other in links if other["menu"] == link["menu"]) > 1
        if not grouped:
            entries.append(link)
        elif link["menu"] in menus:
            menus[link["menu"]]["links"].append(link)
            menus[link["menu"]]["active"] |= link["active"]
        else:
            menus[link["menu"]] = {"label": MENUS[link["menu"]], "active": link["active"], "links": [link],
                                   "id": f"menu-{link['menu']}"}
            entries.append(menus[link["menu"]])
    return entries
