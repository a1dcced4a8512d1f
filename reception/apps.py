from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Reception")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership.access import ADVISORS, MANAGERS, register_home
        from dealership.models import Role
        from dealership.navigation import NavItem, register, register_menu

        from . import (
            links,  # noqa: F401  (registers its customer message, issue 18)
            printing,  # noqa: F401  (registers the printed work order)
            services,  # noqa: F401  (registers the guards of the moves it makes, to explain refused ones)
        )

        register_menu("reception", pgettext_lazy("menu", "Reception"))
        register(
            NavItem("reception:desk", _("Advisor desk"), (*ADVISORS, *MANAGERS), "reception", order=200),
            NavItem("reception:expert_queue", _("Expert questions"), (Role.TECHNICAL_EXPERT, Role.FOREMAN),
                    "reception", order=800),
            # the store's walk-around checklist (REC-5), in the managers' settings menu (issue 18)
            NavItem("reception:walkaround_checks_page", _("Walk-around checklist"), (Role.AFTERSALES_MANAGER,),
                    "settings", order=920),
        )
        register_home("reception:desk", Role.SERVICE_ADVISOR, Role.SERVICE_ASSISTANT)
        register_home("reception:expert_queue", Role.TECHNICAL_EXPERT)
