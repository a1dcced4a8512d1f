"""How long free text may be (issue 16: a 10,000-character note was saved
whole and ran out of its box on the printed work order).

Every TextField of the project's models has one of these limits as its
`max_length` (tests/dealership/test_text_limits.py walks them all), and the
same limit holds everywhere the text goes:

- in the form: the box carries `maxlength` and a counter of the characters
  left (static/js/textlimit.js); a longer text sent anyway is refused with
  a message on the form (`FreeTextField` in dealership/forms.py);
- in the services that take free text (`text_check`): longer text from any
  caller (a page, a task, the shell) is refused with a message naming the
  field and the limit, before anything is written;
- in the database: a CHECK constraint (`length_checks`), so nothing else (a
  bulk update, a script that skips the services) can store more;
- on paper: printed documents wrap long text, even without spaces
  (templates/print/base.html).

The table, and what happened to rows already longer, is in docs/decisions.md.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from .errors import ProcessError

REASON = 500  # a short note a customer types on a public page (the approval link)
DESCRIPTION = 2000  # a fault described, a diagnosis, a finding, a question and its answer, a decision
NOTES = 4000  # long notes: the repair report, a follow-up call in full, a complaint; timeline notes copy any of these
SIGNATURE = 410_000  # not typed: a drawn signature as a PNG data URL (a 300 kB PNG, the most
#                      reception.signatures accepts, is 400,022 characters)

LIMITS = (REASON, DESCRIPTION, NOTES, SIGNATURE)

# TextFields without a limit, on purpose: nobody types them; the system
# composes them from parts that each have one, and they are records that
# must stay whole.
UNBOUNDED = {
    "dealership.OutboundMessage.body": "the text of a message as it was sent to the customer",
    "dealership.TextOverflow.text": "the whole of a text that was already too long when the limits came in",
}


def unbounded(label: str, why: str) -> None:
    """A stage's TextField without a limit, on purpose, and why (declared next
    to the model, so the core does not name the stage)."""
    UNBOUNDED[label] = why


def length_checks(**limits: int) -> list[models.CheckConstraint]:
    """`Meta.constraints` entries: each named field holds at most its limit
    of characters (LENGTH counts characters on SQLite and PostgreSQL)."""
    return [models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit),
                                   name=f"%(app_label)s_%(class)s_{field}_length")
            for field, limit in limits.items()]


def text_check(model: type[models.Model], *, rule: str = "", **values: str | None) -> None:
    """Refuse text longer than its field's limit (as it will be stored, without
    the spaces around it), saying which field, its limit and by how much,
    before the service writes anything. The database would refuse it too,
    but as an IntegrityError that a service could take for something else
    (a slot booked twice, an inspection round recorded twice)."""
    for name, value in values.items():
        field = model._meta.get_field(name)
        length = len((value or "").strip())
        if field.max_length and length > field.max_length:
            raise ProcessError(gettext("%(field)s: at most %(limit)d characters, this text has %(length)d. "
                                       "Shorten it and save again.")
                               % {"field": capfirst(field.verbose_name), "limit": field.max_length,
                                  "length": length}, rule=rule)


def keep_overlong_text(apps, app_label: str) -> int:
    """For each app's `text_limits` migration, before its CHECK constraints:
    a text already longer than its field's limit (saved before there was
    one) is kept whole in TextOverflow, and the field keeps the start of it
    followed by a note saying so and where the rest is. Nothing is lost,
    nothing is shortened silently, and the constraint can be added on SQLite
    and PostgreSQL alike. A drawn signature cannot be cut: its field is
    emptied (the archive keeps the drawing). Reads the limits from the
    migration's own state, so it stays what it was when the migration ran."""
    overflow = apps.get_model("dealership", "TextOverflow")
    kept = 0
    for model in apps.get_app_config(app_label).get_models():
        label = f"{app_label}.{model.__name__}"
        for field in model._meta.fields:
            if not isinstance(field, models.TextField) or not field.max_length:
                continue
            limit = field.max_length
            rows = model._default_manager.annotate(_length=Length(field.name)).filter(_length__gt=limit)
            for pk, text in rows.values_list("pk", field.name).iterator():
                record = overflow.objects.create(model=label, object_id=str(pk), field=field.name, text=text)
                if text.startswith("data:"):
                    shortened = ""
                else:
                    with translation.override(settings.LANGUAGE_CODE):  # stored: in the shop's language
                        note = gettext(" … [shortened: the whole text (%(n)s characters) is kept as over-long "
                                       "text no. %(id)s]") % {"n": len(text), "id": record.pk}
                    shortened = text[: limit - len(note)] + note
                model._default_manager.filter(pk=pk).update(**{field.name: shortened})
                kept += 1
    if kept:
        print(f"\n  {app_label}: {kept} text(s) longer than their limit kept whole in TextOverflow")
    return kept
