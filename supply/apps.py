from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    """Parts supply (issue 19): below the stages, it imports only the core;
    the stages tell it what they need through `supply.demand`."""

    name = "supply"
    verbose_name = _("Parts supply")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership import moneycheck
        from dealership.access import register_home
        from dealership.imports.kinds import register_kind
        from dealership.models import Role
        from dealership.navigation import NavItem, register

        from . import printing  # noqa: F401  (registers the printed purchase order)
        from .imports import LedgerStock
        from .ledger import ledger_check

        moneycheck.register(ledger_check)  # the ledger, the stock and its value agree (check_money)
        register_kind(LedgerStock())  # the opening stock goes into the ledger
        # in the workshop's menu, beside the parts counter: a manager's header keeps its width (test_header)
        clerks = (Role.PARTS_CLERK, Role.PARTS_MANAGER)
        register(
            NavItem("supply:home", _("Parts supply"), (*clerks, Role.AFTERSALES_MANAGER), "workshop", order=340),
            NavItem("supply:suggestions", _("Purchase suggestions"), clerks, "workshop", order=341),
            NavItem("supply:orders", _("Purchase orders"), clerks, "workshop", order=342),
            NavItem("supply:receiving", _("Receiving"), clerks, "workshop", order=343),
            NavItem("supply:counts", _("Stock counts"), clerks, "workshop", order=344),
        )
        # what to order, deliveries, what arrived (issue 19)
        register_home("supply:home", Role.PARTS_CLERK, Role.PARTS_MANAGER)
