"""PDF printing with WeasyPrint, and the registry of printed documents.

Chinese must render as glyphs, not boxes: the print stylesheet loads the
Noto Sans SC subset shipped in static/fonts (GB2312, OFL) and falls back to
system CJK fonts; `checks.py` warns when neither is found. Stage apps
register a sample of each document they print, so `render_samples` renders
them all without the core importing the stage apps."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse
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
    return printed_pdf_and_key(document=document, work_order_id=work_order_id, template_name=template_name,
                               context=context, variant=variant, late=late)[0]


def printed_pdf_and_key(*, document: str, work_order_id: int, template_name: str, context: dict, variant: str = "",
                        late: dict[str, Callable[[], str]] | None = None) -> tuple[bytes, str]:
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
    return pdf, key


# --- A reprint without rendering (issue 22) --------------------------------------------------------------------
# Rendering the HTML to learn a document's version cost a reprint about 5 ms of Python (the order with its lines,
# walk-around, signatures, read as model instances, then the template): at 16 connections its p95 stayed above
# 130 ms. On PostgreSQL the version is read in the query that finds the order in the person's store: an MD5 of
# the text of every row of every table the document reads (`sources`, each a queryset of those rows for the
# order), plus the code that draws it (`_code_version`). Any change to any column of those rows is another
# version; the test that renders each document checks that it reads no table outside its sources.

Source = Callable[[int], QuerySet]  # the order's id -> the rows of one table the document reads


_ANY_ORDER = -7_000_000_001  # the order's id in the SQL compiled once per document, replaced at each print


@cache
def _fingerprint_sql_for(sources: tuple[Source, ...]) -> tuple[str, tuple]:
    """The version's SQL for a document, compiled once (building thirteen querysets cost a reprint more than
    the rest of it): the params that are the order's id are marked to be replaced."""
    parts, params = [], []
    for source in sources:
        # every column of the rows (and of the rows they join with select_related); sorted by their own hash,
        # so a join's repeated column names are never referred to
        sql, row_params = source(_ANY_ORDER).order_by().query.sql_with_params()
        parts.append("COALESCE((SELECT string_agg(h, ',' ORDER BY h) FROM "
                     f"(SELECT md5(CAST(t AS text)) AS h FROM ({sql}) t) hashed), '')")
        params.extend(row_params)
    return f"md5(concat_ws('|', {', '.join(parts)}))", tuple(params)


def _fingerprint_sql(work_order_id: int, sources: Sequence[Source]) -> tuple[str, list]:
    sql, params = _fingerprint_sql_for(tuple(sources))
    return sql, [work_order_id if p == _ANY_ORDER else p for p in params]


@cache
def _code_version() -> str:
    """What draws the documents besides the rows: the templates (all of them: cheaper to read once than to
    list which ones a paper includes), the template tags and the compiled translations. Read once per process (a deployment restarts the processes), so a new release never serves
    a PDF drawn by the last one."""
    base = Path(settings.BASE_DIR)
    files = [*sorted((base / "templates").rglob("*.html")), *sorted(base.glob("*/templatetags/*.py")),
             *sorted(base.glob("locale/*/LC_MESSAGES/django.mo")), Path(__file__)]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reprinted_pdf(*, document: str, orders: QuerySet, work_order_id: int, sources: Sequence[Source],
                  write: Callable[[object], tuple[bytes, str]], variant: str = "") -> tuple[str, bytes]:
    """(the order's number, its PDF). `orders`: the orders the person may print (scoped); `write(order)` draws
    the document the usual way (`printed_pdf`) and returns the PDF and its cache key. On PostgreSQL an unchanged
    document costs one query and two cache reads; elsewhere (SQLite in `make run`) it is drawn as before."""
    if connection.vendor != "postgresql":
        order = orders.filter(pk=work_order_id).first()
        if order is None:
            raise Http404
        return order.number, write(order)[0]
    sql, params = _fingerprint_sql(work_order_id, sources)
    version = orders.filter(pk=work_order_id).annotate(print_version=RawSQL(sql, params))
    found = version.values_list("number", "print_version").first()
    if found is None:
        raise Http404
    number, fingerprint = found
    cache = caches[PRINT_CACHE]
    key = f"pdfv:{document}:{work_order_id}:{variant}:{get_language()}:{_code_version()}:{fingerprint}"
    pdf_key = cache.get(key)
    pdf = cache.get(pdf_key) if pdf_key else None
    if pdf is None:
        pdf, pdf_key = write(orders.get(pk=work_order_id))
        # kept only if nothing changed while it was drawn: else that PDF may show rows of a later version
        if version.values_list("print_version", flat=True).first() == fingerprint:
            cache.set(key, pdf_key)
    return number, pdf


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
