from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Reception")

    def ready(self) -> None:
        from . import (
            printing,  # noqa: F401  (registers the printed work order)
            services,  # noqa: F401  (registers the guards of the moves it makes, to explain refused ones)
        )
