from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Quality inspection")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership.access import MANAGERS, register_home
        from dealership.models import Role
        from dealership.navigation import NavItem, register
        from dealership.store_settings_views import register_store_page

        from . import (
            printing,  # noqa: F401  (registers the quality guarantee card)
            services,  # noqa: F401  (registers the guards of the moves it makes, to explain refused ones)
            stilldue,  # noqa: F401  (deferred work and worn parts for the next visit)
        )

        # QC has one page of its own: it sits in the workshop's menu, the stage it follows.
        register(NavItem("inspection:queue", _("QC queue"), (Role.QC_INSPECTOR, *MANAGERS), "workshop", order=400))
        register_home("inspection:queue", Role.QC_INSPECTOR)
        register_store_page("inspection:spots", _("Parking spots"))  # a link on the store's settings page (issue 18)
