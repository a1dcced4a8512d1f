"""System text stored in the database (timeline events, staff tasks) is kept
as the English message id plus its parameters, and translated when it is
shown, so each reader sees it in their own language.

Mark the text with `gettext_noop` (imported here as N_) so makemessages
finds it; parameters that are themselves translatable labels are stored as
their message ids and translated on display too."""

from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_noop as N_

__all__ = ["N_", "list_join", "message_params", "render_message"]


def quantity_text(value) -> str:
    """A quantity as people read it: 2, 0.5, 10 (never 2.00 nor 1E+1)."""
    return format(Decimal(value).normalize(), "f")


def list_join(items) -> str:
    """A list in running text: "a, b, c" in English, "a、b、c" in Chinese."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def message_params(**params) -> dict:
    """JSON-safe parameters; lazy labels are kept as their message ids."""
    out = {}
    with translation.override(None):
        for key, value in params.items():
            if isinstance(value, Promise):
                value = str(value)
            elif isinstance(value, Decimal):
                value = f"{value:,.2f}"
            elif value is not None and not isinstance(value, int | float | str | bool):
                value = str(value)
            out[key] = value
    return out


def render_message(message: str, params: dict | None) -> str:
    if not message:
        return ""
    translated = {k: gettext(v) if isinstance(v, str) and v else v for k, v in (params or {}).items()}
    try:
        return gettext(message) % translated if translated else gettext(message)
    except (KeyError, ValueError, TypeError):
        return message
