from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership.access import MANAGERS, register_home
        from dealership.models import Role
        from dealership.navigation import NavItem, register, register_menu

        from . import (
            compliance,  # noqa: F401  (what must hold before years are archived, issue 23)
            customerpage,  # noqa: F401  (the follow-up, complaints and reminders on the customer's and the car's page)
            report,  # noqa: F401  (registers the monthly report)
            services,  # noqa: F401  (registers its customer messages, issue 18)
        )

        register_menu("followup", pgettext_lazy("menu", "Follow-up"))
        register(
            NavItem("followup:queue", _("Follow-up"), (Role.FOLLOWUP_AGENT, *MANAGERS), "followup", order=600),
            NavItem("followup:complaints", _("Complaints"), (Role.FOLLOWUP_AGENT, *MANAGERS), "followup", order=810),
            # The manager's other figures are linked from the dashboard.
            NavItem("followup:overview", _("Dashboard"), MANAGERS, "followup", order=820),
        )
        register_home("followup:overview", Role.GROUP_MANAGER, Role.AFTERSALES_MANAGER)
        register_home("followup:queue", Role.FOLLOWUP_AGENT)
