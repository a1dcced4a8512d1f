"""Form widgets rendered by Django's own widget templates, with the
commonest ones (inputs, textareas, selects and their options) written out in
Python. On the booking screen each option of a select was a template include
of its own; the same HTML built here costs a fraction of it (issue 9).
tests/dealership/test_formrenderer.py compares both renderings."""

from html import escape as _html_escape

from django.forms.renderers import DjangoTemplates

W = "django/forms/widgets/"
OPTION = W + "select_option.html"


def escape(value) -> str:
    """Django's conditional_escape (what the widget templates apply), without its lazy-string wrapper."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _html_escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"')
    return "".join(out)


def _input(w: dict) -> str:
    value = f' value="{escape(w["value"])}"' if w["value"] is not None else ""
    return f'<input type="{escape(w["type"])}" name="{escape(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _textarea(w: dict) -> str:
    return f'<textarea name="{escape(w["name"])}"{_attrs(w["attrs"])}>\n{escape(w["value"]) if w["value"] else ""}</textarea>'


def _select(w: dict) -> str | None:
    out = [f'<select name="{escape(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            out.append(f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                       f'{escape(option["label"])}</option>\n')  # the option template's closing newline
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


FAST = {W + name + ".html": _input for name in (
    "input", "text", "number", "email", "url", "tel", "search", "password", "hidden", "date", "time", "datetime",
    "checkbox", "color")}
FAST[W + "textarea.html"] = _textarea
FAST[W + "select.html"] = _select


class WidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        if fast is not None and "widget" in context:
            html = fast(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
