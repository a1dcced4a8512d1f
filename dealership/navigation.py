"""The header's links, per role. Each stage registers its links and its menu
from its AppConfig.ready() (`register`, `register_menu`), so the core names no
stage and a new stage touches no core file (design.md: dependencies flow with
the process)."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access import ADVISORS, MANAGERS, WORKSHOP
from .models import Role, User

# More links than fit one row of a 1366 px laptop: group them by stage in menus. Eight entries fit (a manager's
# five stage menus, the desk, the two shared lists and "Staff": tests/browser/test_header.py measures it in Chinese
# and English); no role has exactly eight links, so only the managers' grouped header grew by one. With the catalogue
# the managers' settings pages became a "Settings" menu, wider in English than "Staff": the parts list joined it,
# so the managers' header has one entry less.
FLAT_LIMIT = 8


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: tuple[str, ...]
    menu: str = ""  # the key of a registered menu (a stage's), where the role has more links than fit
    # The place in the header, across stages: the process order (appointments 100s, reception 200s, workshop
    # 300s, inspection 400s, settlement 500s, follow-up 600s), the core's shared lists (700s), then links added
    # later (800s), after the others so that people find those where they always were.
    order: int = 0


_ITEMS: dict[str, NavItem] = {}
_MENUS: dict[str, str | Promise] = {}


def register(*items: NavItem) -> None:
    """Add a stage's links to the header (again with the same URL name: replaced, not doubled)."""
    for item in items:
        _ITEMS[item.url_name] = item
    _sorted_items.cache_clear()


def register_menu(key: str, label: str | Promise) -> None:
    """The menu a stage's links are grouped in, with its label."""
    _MENUS[key] = label


def nav_items() -> list[NavItem]:
    """Every registered link in the header's order."""
    return list(_sorted_items())


@cache
def _sorted_items() -> tuple[NavItem, ...]:
    return tuple(sorted(_ITEMS.values(), key=lambda item: (item.order, item.url_name)))


@cache
def _url(url_name: str, prefix: str, root_urlconf: str, urlconf: str | None) -> str:
    """A header link, reversed once (each page drew the header's ten to thirty links: issue 22)."""
    return reverse(url_name, urlconf)


def header_url(url_name: str) -> str:
    return _url(url_name, get_script_prefix(), settings.ROOT_URLCONF, get_urlconf())


# The core's own lists, shared by every stage.
register(
    NavItem("dealership:orders", _("Work orders"), tuple(r for r in Role.values if r != Role.GATE_GUARD), order=700),
    # in the workshop's menu where a role's links are grouped (beside the parts counter): the managers' "Settings"
    # menu took the place of "Staff", which is wider in English (issue 18, tests/browser/test_header.py)
    NavItem("dealership:parts", _("Parts"), (Role.PARTS_CLERK, *ADVISORS, *WORKSHOP, *MANAGERS), "workshop",
            order=710),
    # the managers' settings pages (issue 18): after every link of the process, so those stay where they were
    NavItem("dealership:staff", _("Staff"), MANAGERS, "settings", order=900),
    NavItem("dealership:store_settings_home", _("Store settings"), MANAGERS, "settings", order=910),
    NavItem("dealership:catalogue_labour", _("Catalogue"), MANAGERS, "settings", order=920),
    NavItem("dealership:message_texts", _("Customer messages"), (Role.AFTERSALES_MANAGER,), "settings", order=950),
    NavItem("dealership:imports", _("Import data"), (Role.AFTERSALES_MANAGER,), "settings", order=980),
    NavItem("dealership:exports", _("Export data"), MANAGERS, "settings", order=990),
)


register_menu("settings", _("Settings"))


def nav_for(user: User, current: str) -> list[dict]:
    """The header's entries: links, and where a role has more than fit one row, a menu
    per stage ({"label", "active", "links"}) in the place of its first link."""
    links = [
        {"url": header_url(item.url_name), "label": item.label, "active": item.url_name == current, "menu": item.menu}
        for item in _sorted_items()
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
            menus[link["menu"]] = {"label": _MENUS[link["menu"]], "active": link["active"], "links": [link],
                                   "id": f"menu-{link['menu']}"}
            entries.append(menus[link["menu"]])
    return entries
