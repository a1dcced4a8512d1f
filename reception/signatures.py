"""Signatures drawn on the tablet (REC-12): a PNG data URL from the
signature pad, checked to be a real, small, non-empty image."""

import base64
import binascii
import io

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from dealership.errors import ProcessError

PREFIX = "data:image/png;base64,"
MAX_BYTES = 300_000
MAX_CHARS = len(PREFIX) + (MAX_BYTES + 2) // 3 * 4  # the same bound, as base64 in the posted field
MIN_INK_PIXELS = 30


def signature_check(data_url: str) -> str:
    """Return the data URL if it holds a drawn signature; refuse anything else."""
    if not data_url or not data_url.startswith(PREFIX):
        raise ProcessError(_("Sign on the pad."), rule="REC-12")
    return signature_image_check(data_url, min_ink=MIN_INK_PIXELS)


def signature_image_check(data_url: str, *, min_ink: int = 0) -> str:
    """Return the data URL if it is a PNG data URL of bounded size and
    dimensions (so it may be posted back into the page and drawn again)."""
    if not data_url.startswith(PREFIX) or len(data_url) > MAX_CHARS:
        raise ProcessError(_("The signature could not be read; sign again."), rule="REC-12")
    try:
        raw = base64.b64decode(data_url[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ProcessError(_("The signature could not be read; sign again."), rule="REC-12") from None
    if len(raw) > MAX_BYTES:
        raise ProcessError(_("The signature could not be read; sign again."), rule="REC-12")
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width > 2000 or image.height > 1000:
                raise ProcessError(_("The signature could not be read; sign again."), rule="REC-12")
            alpha = image.convert("RGBA").getchannel("A")
            ink = sum(alpha.histogram()[32:])  # pixels drawn, not transparent
    except (UnidentifiedImageError, OSError, ValueError):
        raise ProcessError(_("The signature could not be read; sign again."), rule="REC-12") from None
    if ink < min_ink:
        raise ProcessError(_("The signature pad is empty: sign on it."), rule="REC-12")
    return data_url
