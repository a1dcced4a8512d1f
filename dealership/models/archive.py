"""Text kept whole when the length limits came in (issue 16)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextOverflow(models.Model):
    """A text that was already longer than its field's limit when the limit
    was introduced: kept here whole, never shortened silently. The field
    itself holds the start of it and says where the rest is (the number of
    this row); see dealership.textlimits.keep_overlong_text."""

    model = models.CharField(_("record"), max_length=100)  # app_label.ModelName
    object_id = models.CharField(_("record id"), max_length=40)
    field = models.CharField(_("field"), max_length=100)
    text = models.TextField(_("full text"))
    kept_at = models.DateTimeField(_("kept at"), auto_now_add=True)

    class Meta:
        verbose_name = _("over-long text kept")
        verbose_name_plural = _("over-long texts kept")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} {self.field}"
