"""The settings change log (issue 18): every change made on a settings page, with who, when, the old and the new
value. A group-level change (a move between stores, a group manager's account) may have no store."""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..textlimits import NOTES, length_checks
from .base import StoreOwned
from .org import Store

# what the log names that is not a field of the record
OTHER_LABELS = {"roles": _("roles"), "created": _("account created"), "password": _("password")}


class SettingChange(StoreOwned):
    # nullable, unlike other records: a change of the group (a group manager's account) belongs to no one store
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("store"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("changed by"))
    at = models.DateTimeField(_("changed at"), auto_now_add=True)
    model = models.CharField(_("what"), max_length=60)         # the model's label, e.g. dealership.user
    object_id = models.CharField(_("record"), max_length=40)
    object_text = models.CharField(_("record name"), max_length=200)
    field = models.CharField(_("field"), max_length=60)
    # a value as it read on the page (a setting may be a whole message text: the longest free text there is)
    old = models.TextField(_("old value"), blank=True, max_length=NOTES)
    new = models.TextField(_("new value"), blank=True, max_length=NOTES)

    class Meta:
        verbose_name = _("settings change")
        verbose_name_plural = _("settings changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["store", "-at"])]
        constraints = length_checks(old=NOTES, new=NOTES)

    def __str__(self) -> str:
        return f"{self.object_text} · {self.field}"

    def field_label(self) -> str:
        """The field as people read it (its verbose name), in the reader's language."""
        if self.field in OTHER_LABELS:
            return str(OTHER_LABELS[self.field])
        try:
            return str(apps.get_model(self.model)._meta.get_field(self.field).verbose_name)
        except (LookupError, ValueError, FieldDoesNotExist):
            return self.field
