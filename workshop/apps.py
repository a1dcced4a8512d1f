from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = _("Workshop")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership.access import ADVISORS, MANAGERS, register_home
        from dealership.models import Role
        from dealership.navigation import NavItem, register, register_menu
        from dealership.staff import register_open_work
        from dealership.store_settings_views import register_store_page

        from . import (
            changes,  # noqa: F401  (registers its customer messages, issue 18)
            delays,  # noqa: F401
            receivers,  # noqa: F401  (makes the jobs when reception announces a signing)
            supply_needs,  # noqa: F401  (requisitions waiting for stock are parts supply's needs, issue 19)
        )
        from .models import Job

        register_menu("workshop", pgettext_lazy("menu", "Workshop"))
        register(
            NavItem("workshop:mine", _("My jobs"), (Role.TECHNICIAN,), "workshop", order=300),
            NavItem("workshop:board", _("Workshop"), (Role.FOREMAN, Role.TECHNICAL_EXPERT, *ADVISORS, *MANAGERS),
                    "workshop", order=310),
            NavItem("workshop:parts_counter", _("Parts counter"), (Role.PARTS_CLERK, Role.PARTS_MANAGER, *MANAGERS), "workshop",
                    order=320),
            # the fill rate, shortages, stock value and slow movers (issue 19)
            NavItem("workshop:parts_figures", _("Parts figures"), (Role.PARTS_MANAGER, *MANAGERS), "workshop",
                    order=330),
            # the store's self-check lists (REP-15), in the managers' settings menu (issue 18)
            NavItem("workshop:self_checks_page", _("Self-check lists"), (Role.AFTERSALES_MANAGER,), "settings",
                    order=930),
        )
        # a technician holding jobs is not moved to another store (issue 18)
        register_open_work("jobs", _("open jobs"),
                           lambda user: Job.objects.filter(technician=user, status__in=Job.OPEN).count())
        register_home("workshop:board", Role.FOREMAN)
        register_home("workshop:mine", Role.TECHNICIAN)
        register_store_page("workshop:bays", _("Workshop bays"))  # a link on the store's settings page (issue 18)
