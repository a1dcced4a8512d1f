"""A store's own text of a customer message (issue 18): the after-sales manager rewrites a message in Chinese or
English; the text is a Django template over the variables that message offers (dealership.messagetexts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..textlimits import DESCRIPTION, length_checks
from .base import StoreOwned


class MessageText(StoreOwned):
    """Overrides the message's default text (a template file or a translated sentence) for one store and
    language; without a row, the default is sent."""

    name = models.CharField(_("message"), max_length=40)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), max_length=DESCRIPTION)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("message text")
        verbose_name_plural = _("message texts")
        ordering = ["store", "name", "language"]
        constraints = [models.UniqueConstraint(fields=["store", "name", "language"], name="uniq_message_text"),
                       *length_checks(body=DESCRIPTION)]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
