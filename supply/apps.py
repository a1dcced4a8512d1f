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
        from dealership.imports.kinds import register_kind

        from . import printing  # noqa: F401  (registers the printed purchase order)
        from .imports import LedgerStock
        from .ledger import ledger_check

        moneycheck.register(ledger_check)  # the ledger, the stock and its value agree (check_money)
        register_kind(LedgerStock())  # the opening stock goes into the ledger
