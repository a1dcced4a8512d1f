"""dealership.views.run_form: bind, call the service, put a refusal on the form."""

from django import forms

from dealership.errors import ProcessError
from dealership.views import run_form


class NoteForm(forms.Form):
    note = forms.CharField(max_length=10)
    version = forms.IntegerField(widget=forms.HiddenInput)


def refuse(field=""):
    def action(data):
        raise ProcessError("No.", rule="SET-2", field=field)
    return action


def test_it_calls_the_service_with_the_cleaned_data_and_returns_its_value():
    ran = run_form(NoteForm({"note": " hi ", "version": "3"}), lambda data: (data["note"], data["version"]))
    assert ran and ran.value == ("hi", 3)


def test_it_does_not_call_the_service_when_the_form_is_not_valid():
    calls = []
    form = NoteForm({"note": "x" * 11, "version": "3"})
    assert not run_form(form, calls.append)
    assert calls == [] and "note" in form.errors


def test_it_puts_a_refusal_next_to_the_field_it_names():
    form = NoteForm({"note": "hi", "version": "3"})
    assert not run_form(form, refuse("note"))
    assert form.errors["note"] == ["No. (SET-2)"] and not form.non_field_errors()


def test_it_puts_a_refusal_about_a_hidden_or_unknown_field_at_the_top():
    for field in ("version", "elsewhere", ""):
        form = NoteForm({"note": "hi", "version": "3"})
        assert not run_form(form, refuse(field))
        assert form.non_field_errors() == ["No. (SET-2)"]


def test_it_puts_a_refusal_that_names_no_shown_field_on_the_field_the_view_chose():
    form = NoteForm({"note": "hi", "version": "3"})
    assert not run_form(form, refuse(), field="note")
    assert form.errors["note"] == ["No. (SET-2)"]
