"""The Jinja2 environment for the hottest lists (the workshop board's rows,
the advisor desk's columns): Jinja2 compiles templates to Python and renders
a 25-row board several times faster than the template language (issue 9).
The page around them stays in the template language; these fragments use
the same helpers and are translated with Django's gettext (write
`{{ _("text") }}`, which makemessages finds as in any template)."""

import functools
from datetime import datetime

from django.urls import reverse
from django.utils import formats, timezone, translation

from jinja2 import Environment

from .templatetags.dealership_tags import label, late_class, plate, qty, status_badge, yuan


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def pk_url(name: str):
    """`{% set order_url = pk_url("dealership:order") %}` then `order_url(o.pk)` in a loop: the URL of a
    route taking one id, reversed once per page rather than once per row."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


NUMERIC = {"Y": "%Y", "y": "%y", "m": "%m", "d": "%d", "H": "%H", "i": "%M", "s": "%S"}


@functools.cache
def _strftime(fmt: str) -> str | None:
    """The strftime equivalent of a Django date format made of numbers only
    ("m-d H:i"): those read the same in every language."""
    if any(c.isalpha() and c not in NUMERIC for c in fmt) or "%" in fmt or "\\" in fmt:
        return None
    return "".join(NUMERIC.get(c, c) for c in fmt)


def date(value, fmt: str) -> str:
    """Django's |date: in the shop's time zone and the active language's formats."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    quick = _strftime(fmt)
    return value.strftime(quick) if quick else formats.date_format(value, fmt)


def truncate(value, length: int) -> str:
    value = str(value or "")
    return value if len(value) <= length else value[: length - 1] + "…"


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext=translation.gettext, ngettext=translation.ngettext, newstyle=True)
    env.globals.update(url=url, pk_url=pk_url, status_badge=status_badge, late_class=late_class)
    env.filters.update(plate=plate, qty=qty, yuan=yuan, date=date, truncate=truncate, label=label)
    return env
