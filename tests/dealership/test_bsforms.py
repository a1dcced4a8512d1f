"""The Python field renderer (dealership/templatetags/bsforms.py) gives the
markup crispy-forms' bootstrap5 pack gives, for every kind of widget the
system's forms use, blank, filled and with errors."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms

from dealership.forms import FreeTextField
from dealership.templatetags.bsforms import as_field, as_form


class Sample(forms.Form):
    name = forms.CharField(label="姓名 <b>", max_length=5, help_text="as on the <i>licence</i>")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "note"}))
    limited = FreeTextField(max_length=8, required=False, help_text="a box with a limit (issue 16)")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B <x>")])
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")], required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    count = forms.IntegerField(required=False)
    agree = forms.BooleanField(label="Agreed", help_text="tick it")
    optional_flag = forms.BooleanField(required=False)
    mobile = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "tel"}), required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    email = forms.EmailField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, required=False)
    ticks = forms.MultipleChoiceField(choices=[("p", "P")], widget=forms.CheckboxSelectMultiple, required=False)

    def clean(self):
        raise forms.ValidationError("整单 <script>alert(1)</script> 不通过")


def squash(html: str) -> str:
    html = re.sub(r">\s+", ">", str(html))
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


DATA = [
    None,
    {"name": "王小明太长的名字", "kind": "c", "day": "not a day", "amount": "-1", "count": "x", "mobile": "<script>"},
    {"name": "王", "kind": "b", "many": ["1", "2"], "day": "2026-11-27", "amount": "12.50", "agree": "on",
     "optional_flag": "on", "note": "刹车<b>异响</b>", "radio": "x", "ticks": ["p"], "limited": "太长了" * 5},
]


@pytest.mark.parametrize("data", DATA)
def test_each_field_renders_as_crispy_renders_it(data):
    ours, theirs = Sample(data), Sample(data)
    if data is not None:
        ours.is_valid(), theirs.is_valid()
    for name in Sample.base_fields:
        assert squash(as_field(ours[name])) == squash(as_crispy_field(theirs[name])), name


@pytest.mark.parametrize("data", DATA)
def test_a_whole_form_renders_as_crispy_renders_it(data):
    ours, theirs = Sample(data), Sample(data)
    if data is not None:
        ours.is_valid(), theirs.is_valid()
    assert squash(as_form(ours)) == squash(as_crispy_form(theirs))


def test_text_typed_in_is_escaped():
    form = Sample({"name": "<script>alert(1)</script>", "mobile": '"><img src=x onerror=alert(1)>'})
    form.is_valid()
    html = as_form(form)
    assert "<script>alert(1)" not in html and "<img src=x" not in html

