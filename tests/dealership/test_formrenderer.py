"""The widget renderer's Python fast path (dealership/formrenderer.py) gives
the HTML of Django's own widget templates, whatever the widget, value and
attributes, and escapes what was typed."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

from dealership.formrenderer import WidgetRenderer
from dealership.models import Role, StaffRole

CHOICES = [("", "---------"), ("a", "A & B"), ("<b>", gettext_lazy("Parts")),
           ("Group <1>", [("g1", "one"), ("g2", '"two"')])]

WIDGETS = [
    forms.TextInput(attrs={"maxlength": 5, "required": True, "disabled": False, "class": "form-control"}),
    forms.NumberInput(attrs={"step": "0.01", "min": 0}), forms.EmailInput(), forms.URLInput(), forms.PasswordInput(),
    forms.HiddenInput(), forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), forms.TimeInput(),
    forms.CheckboxInput(), forms.Textarea(attrs={"rows": 3}), forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    forms.Select(choices=CHOICES), forms.SelectMultiple(choices=CHOICES, attrs={"size": 6}),
    forms.NullBooleanSelect(), forms.RadioSelect(choices=CHOICES[:3]), forms.CheckboxSelectMultiple(choices=CHOICES[:3]),
    forms.ClearableFileInput(), forms.SplitDateTimeWidget(),
]
VALUES = [None, "", "a", "<b>", ["a", "g2"], 'x"><script>alert(1)</script>', Decimal("12.50"), date(2026, 11, 27),
          True, False, 7]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
def test_each_widget_renders_as_djangos_templates(widget):
    fast, slow = WidgetRenderer(), DjangoTemplates()
    for value in VALUES:
        try:
            expected = widget.render("f", value, attrs={"id": "id_f"}, renderer=slow)
        except (TypeError, ValueError, AttributeError):
            continue  # a value this widget cannot take at all
        assert widget.render("f", value, attrs={"id": "id_f"}, renderer=fast) == expected, value


@pytest.mark.django_db
def test_model_choices_render_as_djangos_templates(team):
    class Form(forms.Form):
        who = forms.ModelChoiceField(queryset=StaffRole.objects.filter(role=Role.SERVICE_ADVISOR))
        many = forms.ModelMultipleChoiceField(queryset=StaffRole.objects.all(), required=False)

    fast, slow = Form(renderer=WidgetRenderer()), Form(renderer=DjangoTemplates())
    assert str(fast["who"]) == str(slow["who"]) and str(fast["many"]) == str(slow["many"])
    assert "<option" in str(fast["many"])


def test_typed_text_is_escaped():
    html = forms.TextInput().render("f", '"><script>alert(1)</script>', renderer=WidgetRenderer())
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_inputs_textareas_and_selects_never_reach_the_templates(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("rendered through a template")

    monkeypatch.setattr(DjangoTemplates, "render", refuse)
    for widget in (forms.TextInput(), forms.Textarea(), forms.Select(choices=CHOICES), forms.CheckboxInput(),
                   forms.DateInput(attrs={"type": "date"})):
        assert widget.render("f", "a", renderer=WidgetRenderer())
