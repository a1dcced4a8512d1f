"""The dashboard's SVG charts say what they show to a screen reader: a title
and the figures themselves (axe's svg-img-alt, WCAG 1.1.1)."""

from datetime import date

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    with translation.override("en"):
        return Template("{% load charts %}" + source).render(Context(context))


def test_a_bar_chart_has_its_title_and_figures_as_text():
    html = render('{% bar_chart rows 380 title="Complaints by stage" %}',
                  rows=[("Reception", 3), ("Workshop", 1), ("Delivery", None)])
    assert html.startswith('<svg class="chart" role="img"')
    assert "<title>Complaints by stage</title>" in html
    assert "<desc>Reception: 3; Workshop: 1; Delivery: —</desc>" in html


def test_a_line_chart_has_its_title_and_each_line_by_month_as_text():
    series = [{"month": date(2026, 10, 1), "overall": 4.5, "price": None},
              {"month": date(2026, 11, 1), "overall": 4.25, "price": 3.0}]
    html = render('{% line_chart series keys labels title="Satisfaction <by> month" %}',
                  series=series, keys=["overall", "price"], labels=["Overall", "Price"])
    assert "<title>Satisfaction &lt;by&gt; month</title>" in html
    assert "<desc>Overall: 2026-10 4.5, 2026-11 4.25; Price: 2026-10 —, 2026-11 3</desc>" in html
