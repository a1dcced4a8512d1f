"""Charts as inline SVG, drawn on the server: the same markup shows in the
browser and prints in the WeasyPrint report, with no JavaScript library and
no CDN (shops often run on closed networks)."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d", "#0dcaf0"]


def _fmt(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _said(title: str, figures: str) -> str:
    """What a screen reader tells of the chart: its title, and the figures as text (WCAG 1.1.1)."""
    return f"<title>{escape(title)}</title><desc>{escape(figures)}</desc>"


@register.simple_tag
def bar_chart(rows, width: int = 420, unit: str = "", max_value=None, title: str = "") -> str:
    """Horizontal bars: rows of (label, value)."""
    rows = [(str(label), value) for label, value in rows]
    if not rows:
        return ""
    top = max_value or max((v or 0) for _, v in rows) or 1
    bar_h, gap, label_w = 18, 6, 150
    height = len(rows) * (bar_h + gap) + gap
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="11">',
             _said(title, "; ".join(f"{label}: {_fmt(value)}{unit if value is not None else ''}" for label, value in rows))]
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = 0 if not value else max(2, (width - label_w - 50) * float(value) / float(top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" fill="#333">{escape(label[:24])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="2" fill="{COLOURS[0]}"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" fill="#333">{escape(_fmt(value))}{unit}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.simple_tag
def line_chart(series, keys, labels, width: int = 560, height: int = 220, low: float = 1, high: float = 5,
               title: str = "") -> str:
    """Lines over months: series = [{"month": date, key: value, ...}], one line per key."""
    if not series:
        return ""
    left, right, top, bottom = 30, 130, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(series) - 1, 1)

    def y(v):
        return top + plot_h * (1 - (float(v) - low) / (high - low))

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="10">',
             _said(title, "; ".join(f"{label}: " + ", ".join(f"{p['month']:%Y-%m} {_fmt(p.get(key))}" for p in series)
                                    for key, label in zip(keys, labels)))]
    for tick in range(int(low), int(high) + 1):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y(tick) + 3:.1f}" text-anchor="end" fill="#666">{tick}</text>')
    for i, point in enumerate(series):
        parts.append(f'<text x="{left + i * step:.1f}" y="{height - 6}" text-anchor="middle" fill="#666">'
                     f'{point["month"]:%m}</text>')
    for n, (key, label) in enumerate(zip(keys, labels)):
        colour = COLOURS[n % len(COLOURS)]
        points = [(left + i * step, y(p[key])) for i, p in enumerate(series) if p.get(key) is not None]
        if len(points) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                         + " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points) + '"/>')
        for x, yy in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="2.5" fill="{colour}"/>')
        ly = top + 4 + n * 14
        parts.append(f'<rect x="{width - right + 18}" y="{ly}" width="10" height="3" fill="{colour}"/>'
                     f'<text x="{width - right + 32}" y="{ly + 5}" fill="#333">{escape(str(label))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.filter
def first_items(pairs) -> list:
    return [a for a, _b in pairs]


@register.filter
def second_items(pairs) -> list:
    return [b for _a, b in pairs]
