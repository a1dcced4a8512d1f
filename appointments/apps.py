from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        # The core's registries import its models, which are not loaded when this module is.
        from dealership.access import ADVISORS, MANAGERS, register_home
        from dealership.hours import register_hours_changed
        from dealership.models import Role
        from dealership.navigation import NavItem, register, register_menu

        from . import (
            confirmations,  # noqa: F401  (the outbox tells it how its messages went, issue 20)
            messages,  # noqa: F401  (registers its customer messages, issue 18)
            offers,  # noqa: F401  (the outbox tells it how its messages went, issue 20)
            printing,  # noqa: F401  (registers the welcome board)
            services,  # noqa: F401  (the outbox tells it how its messages went, issue 20)
            supply_needs,  # noqa: F401  (the shelf's shortages are parts supply's needs, issue 19)
        )
        from .capacity import capacity_follow_hours

        register_menu("appointments", pgettext_lazy("menu", "Appointments"))
        register(
            NavItem("appointments:list", _("Appointments"), (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS),
                    "appointments", order=100),
            NavItem("appointments:arrivals", _("Arrivals"), (Role.APPOINTMENT_AGENT, *ADVISORS, *MANAGERS),
                    "appointments", order=110),
            NavItem("appointments:parts", _("Appointment shelf"), (Role.PARTS_CLERK, Role.PARTS_MANAGER, *MANAGERS),
                    "appointments",
                    order=120),
        )
        register_home("appointments:list", Role.APPOINTMENT_AGENT)
        # a day closed on the store's settings page loses its hours for appointments (issue 18)
        register_hours_changed(capacity_follow_hours)
