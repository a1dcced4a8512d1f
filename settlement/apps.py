from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "settlement"
    verbose_name = _("Settlement and delivery")

    def ready(self) -> None:
        from . import (
            moneycheck,  # noqa: F401  (the statements' totals in check_money)
            printing,  # noqa: F401  (registers the statement, the old-parts list and the gate pass)
            services,  # noqa: F401  (registers the guards of the moves it makes, to explain refused ones)
        )
