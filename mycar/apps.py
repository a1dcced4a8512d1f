from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MycarConfig(AppConfig):
    """The customer's own pages (issue 20): above the stages, it may read every stage; nothing imports it
    (design.md, "Layout (from the design card)": the three layers around the stages)."""

    name = "mycar"
    verbose_name = _("The customer's pages")
