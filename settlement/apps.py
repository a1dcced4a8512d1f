from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("Settlement and delivery")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership.access import ADVISORS, MANAGERS, register_home
        from dealership.models import Role
        from dealership.navigation import NavItem, register, register_menu

        from . import (
            customerpage,  # noqa: F401  (the statement of each visit on the customer's and the car's page)
            links,  # noqa: F401  (registers its customer message, issue 18)
            moneycheck,  # noqa: F401  (the statements' totals in check_money)
            printing,  # noqa: F401  (registers the statement, the old-parts list and the gate pass)
            services,  # noqa: F401  (registers the guards of the moves it makes, to explain refused ones)
        )

        register_menu("settlement", pgettext_lazy("menu", "Settlement"))
        register(
            NavItem("settlement:queue", pgettext_lazy("navigation", "Settlement"), (Role.CASHIER, *ADVISORS, *MANAGERS),
                    "settlement", order=500),
            NavItem("settlement:gate", _("Gate"), (Role.GATE_GUARD, *MANAGERS), "settlement", order=510),
        )
        register_home("settlement:queue", Role.CASHIER)
        register_home("settlement:gate", Role.GATE_GUARD)
