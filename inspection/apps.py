from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Quality inspection")

    def ready(self) -> None:
        from . import (
            printing,  # noqa: F401  (registers the quality guarantee card)
            services,  # noqa: F401  (registers the guards of the moves it makes, to explain refused ones)
            stilldue,  # noqa: F401  (deferred work and worn parts for the next visit)
        )
