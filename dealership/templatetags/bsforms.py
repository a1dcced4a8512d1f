"""Bootstrap 5 form fields rendered in Python, with the markup of
crispy-forms' bootstrap5 pack (`|as_crispy_field`, `|crispy`).

Crispy renders each field through a template of some hundred nodes; on the
pages that carry many forms (the booking screen, a technician's job cards)
that was half the time of the request (issue 9). These filters produce the
same HTML for the widgets the system uses (text-like inputs, selects,
textareas, single checkboxes) and hand anything else (radio buttons,
checkbox lists, file inputs) to crispy itself. tests/dealership/test_bsforms.py
compares both renderings field by field."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms import BoundField
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CRISPY = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput, forms.MultiWidget)


def _add_classes(widget: forms.Widget, extra: str) -> None:
    """What crispy's {% crispy_field %} does to the widget: its class name in
    lower case, then the Bootstrap classes, each once."""
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    for cls in extra.split():
        if cls not in css.split():
            css += f" {cls}"
    widget.attrs["class"] = css


def _help_and_errors(bf: BoundField) -> str:
    html = ""
    if bf.errors:
        html += format_html('<div id="{}_error" class="invalid-feedback">{}</div>', bf.errors.field_id,
                            format_html_join("", '<p id="error_{}_{}"><strong>{}</strong></p>',
                                             ((n, bf.auto_id, e) for n, e in enumerate(bf.errors, 1))))
    if bf.help_text:
        help_id = format_html('id="{}_helptext" ', bf.auto_id) if bf.auto_id else ""
        html += format_html('<div {}class="form-text">{}</div>', help_id, mark_safe(bf.help_text))  # noqa: S308
    return html


def _required(bf: BoundField) -> tuple[str, str]:
    return (" requiredField", '<span class="asteriskField">*</span>') if bf.field.required else ("", "")


@register.filter
def as_field(bf: BoundField) -> SafeString:
    """`{{ form.x|as_field }}`: one field as crispy's bootstrap5 pack renders it."""
    widget = bf.field.widget
    if bf.is_hidden:
        return mark_safe(str(bf))  # noqa: S308 - Django's own widget HTML
    if isinstance(widget, CRISPY) or getattr(widget, "input_type", None) == "file":
        return as_crispy_field(bf)
    invalid = " is-invalid" if bf.errors else ""
    req_class, asterisk = _required(bf)
    css = f" {bf.css_classes()}" if bf.css_classes() else ""
    if isinstance(widget, forms.CheckboxInput):
        _add_classes(widget, "form-check-input" + invalid)
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}<label for="{}" class="form-check-label{}">'
            '{}{}</label>{}</div></div>',
            bf.auto_id, css, str(bf), bf.id_for_label, req_class, bf.label, mark_safe(asterisk),  # noqa: S308
            mark_safe(_help_and_errors(bf)))  # noqa: S308
    _add_classes(widget, ("form-select" if isinstance(widget, forms.Select) else "form-control") + invalid)
    label = ""
    if bf.label:
        label_for = format_html('for="{}" ', bf.id_for_label) if bf.id_for_label else ""
        label = format_html('<label {}class="form-label{}">{}{}</label>', label_for, req_class,
                            conditional_escape(bf.label), mark_safe(asterisk))  # noqa: S308
    return format_html('<div id="div_{}" class="mb-3{}">{}{}{}</div>', bf.auto_id, css, label, str(bf),
                       mark_safe(_help_and_errors(bf)))  # noqa: S308


@register.filter
def as_form(form: forms.BaseForm) -> SafeString:
    """`{{ form|as_form }}`: the form's errors and all its fields, as `|crispy`."""
    errors = ""
    if form.non_field_errors():
        items = format_html_join("", "<li>{}</li>", ((e,) for e in form.non_field_errors()))
        errors = format_html('<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>', items)
    return mark_safe(errors + "".join(as_field(bf) for bf in form))  # noqa: S308
