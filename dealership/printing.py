"""PDF printing with WeasyPrint, and the registry of printed documents.

Chinese must render as glyphs, not boxes: the print stylesheet loads the
Noto Sans SC subset shipped in static/fonts (GB2312, OFL) and falls back to
system CJK fonts; `checks.py` warns when neither is found. Stage apps
register a sample of each document they print, so `render_samples` renders
them all without the core importing the stage apps."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import conditional_escape
from django.utils.translation import get_language

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
BUNDLED_FONTS = {
    "regular": FONT_DIR / "NotoSansSC-Regular-GB2312.ttf",
    "bold": FONT_DIR / "NotoSansSC-Bold-GB2312.ttf",
}

_font_config = None


def _font_configuration():
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, {
        **context,
        "font_family": settings.PDF_FONT_FAMILY,
        "font_regular": BUNDLED_FONTS["regular"].as_uri() if BUNDLED_FONTS["regular"].exists() else "",
        "font_bold": BUNDLED_FONTS["bold"].as_uri() if BUNDLED_FONTS["bold"].exists() else "",
    })


def _write(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_configuration())


def render_pdf(template_name: str, context: dict) -> bytes:
    return _write(_html(template_name, context))


PRINT_CACHE = "prints"


def printed_at_text() -> str:
    return dateformat.format(timezone.localtime(), "Y-m-d H:i")


def printed_pdf(*, document: str, work_order_id: int, template_name: str, context: dict, variant: str = "",
                late: dict[str, Callable[[], str]] | None = None) -> bytes:
    """A document rendered once per version of what it shows, and reused after (issue 22: sixteen prints
    of one order queued for a second behind WeasyPrint). The version is the page itself: the HTML is
    rendered (a few milliseconds) with the values that differ at every print (`late`: the time it is
    printed, a signed link) left as marks, and its SHA-256 is the key of the PDF in the "prints" cache. Any
    change to what the document shows makes another key; an unchanged document is the cached PDF, with
    the time and link of its first print. The late values are made only when the PDF is written."""
    late = {"printed_at": printed_at_text, **(late or {})}
    marks = {name: f"\ue000{name}\ue001" for name in late}
    html = _html(template_name, {**context, **marks})
    digest = hashlib.sha256(html.encode()).hexdigest()
    key = f"pdf:{document}:{work_order_id}:{variant}:{get_language()}:{digest}"
    cache = caches[PRINT_CACHE]
    pdf = cache.get(key)
    if pdf is None:
        for name, make in late.items():
            html = html.replace(marks[name], str(conditional_escape(make())))
        pdf = _write(html)
        cache.set(key, pdf)
    return pdf


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{escape_uri_path(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@dataclass(frozen=True)
class PrintedDocument:
    name: str
    description: str
    sample: Callable[[], tuple[str, bytes] | None]  # (file name, PDF) from demo data


DOCUMENTS: dict[str, PrintedDocument] = {}


def register_document(name: str, description: str) -> Callable:
    def decorator(fn: Callable[[], tuple[str, bytes] | None]) -> Callable:
        DOCUMENTS[name] = PrintedDocument(name, description, fn)
        return fn

    return decorator


def qr_svg(text: str, *, size_mm: int | None = None) -> str:
    """A QR code as inline SVG (the qrcode package, no image library needed): the gate pass's number, the
    status link on the customer's copy of the work order (issue 20). `size_mm`: printed that wide, whatever the
    length of the text (else one millimetre a module)."""
    import io
    import re

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    if size_mm:
        svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', f'<svg width="{size_mm}mm" height="{size_mm}mm"', svg)
    return svg
