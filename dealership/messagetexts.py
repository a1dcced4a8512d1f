"""The text of every customer message (SMS, e-mail), in one place (issue 18).

Each stage registers the messages it sends (`register_message`): a name, the variables it offers with what they
hold, its default subject and text, and how to fill a preview from a real record of the store. Every sender renders
through `message_render`, which takes the store's own text (dealership.models.MessageText) where the after-sales
manager wrote one, else the default: a template file (the appointment messages) or a translated sentence whose
%(x)s placeholders become {{ x }}. Texts are Django templates rendered from a string by an engine of their own: no
template loaders (no include, no extends), only the i18n library to load, no autoescape (an SMS is plain text).

A text is refused before it is saved when it does not compile, fails to render, or uses a variable the message does
not offer (`message_text_check`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Node, VariableNode
from django.template.defaulttags import DebugNode, ForNode, IfNode, WithNode
from django.template.loader import get_template
from django.templatetags.i18n import BlockTranslateNode
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .changelog import settings_change_record
from .errors import ProcessError
from .models import MessageText, Store, User, WorkOrder

ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={"i18n": "django.templatetags.i18n"},
                autoescape=False, debug=False)
LANGUAGES = [code for code, _label in settings.LANGUAGES]


@dataclass(frozen=True)
class CustomerMessage:
    name: str
    label: str | Promise
    variables: dict[str, str | Promise]     # name -> what it holds (shown on the page)
    subject: Callable[[], str]              # the default subject's template, in the active language
    body: Callable[[], str]                 # the default text's template, in the active language
    sample: dict[str, Any]                  # a value of each variable, to check a new text
    preview: Callable[[Store], dict | None]  # the context from a recent real record of the store; None: none yet
    stage: str = ""                         # where it is sent from, for the page
    order: int = 0
    fixed: set[str] = field(default_factory=set)



@dataclass(frozen=True)
class _SampleStore:
    name: str = "天河4S店"
    phone: str = "020-88886666"

    def __str__(self) -> str:
        return self.name


# What the variables that several messages share hold, and a value of each to check a new text with.
VARIABLES: dict[str, str | Promise] = {
    "store": gettext_lazy("the store's name ({{ store.phone }}: its phone)"),
    "name": gettext_lazy("how the customer is addressed, e.g. 王先生"),
    "plate": gettext_lazy("the car's plate"),
    "advisor": gettext_lazy("the service advisor"),
    "phone": gettext_lazy("the store's phone"),
    "link": gettext_lazy("the customer's own link"),
    "number": gettext_lazy("the work order number"),
    "when": gettext_lazy("the time (month-day hour:minute)"),
    "old": gettext_lazy("the time before the change"),
}
SAMPLE: dict[str, Any] = {
    "store": _SampleStore(), "name": "王先生", "plate": "粤A12345", "advisor": "李丽", "phone": "020-88886666",
    "link": "https://example.com/l/abc", "number": "WO-1", "when": "05-06 09:30", "old": "05-05 14:00",
}


def variables(*names: str, **more: str | Promise) -> dict[str, str | Promise]:
    """The help of the shared variables `names`, and of a message's own ones."""
    return {**{n: VARIABLES[n] for n in names}, **more}


def sample(*names: str, **more: Any) -> dict[str, Any]:
    return {**{n: SAMPLE[n] for n in names}, **more}


def recent_order(store: Store, **lookup) -> WorkOrder | None:
    """The store's most recent work order (for a preview), with what the messages read."""
    return (WorkOrder.objects.filter(store=store, **lookup).select_related("store", "customer", "vehicle", "advisor")
            .order_by("-id").first())

_MESSAGES: dict[str, CustomerMessage] = {}


def register_message(message: CustomerMessage) -> None:
    """A stage's message (again under the same name: replaced, not doubled)."""
    _MESSAGES[message.name] = message


def customer_messages() -> list[CustomerMessage]:
    return sorted(_MESSAGES.values(), key=lambda m: (m.order, m.name))


def customer_message(name: str) -> CustomerMessage:
    return _MESSAGES[name]


class _Placeholder:
    """A variable rendered as itself ({{ name }}, {{ store.phone }}), to turn a file into plain text."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, attr: str) -> _Placeholder:
        if attr.startswith("_"):
            raise AttributeError(attr)
        return _Placeholder(f"{self._path}.{attr}")

    def __str__(self) -> str:
        return "{{ " + self._path + " }}"


def file_template(path: str, variables: Iterable[str] = ()) -> Callable[[], str]:
    """A default kept in a template file (one file for every language: it translates itself). The manager
    starts from plain text in the active language: the file rendered with each variable as {{ itself }} —
    except a file with a loop or a condition, whose source is shown as it is (rendering would lose a branch)."""
    def source() -> str:
        text = get_template(path).template.source.strip()
        template = ENGINE.from_string(text)
        if any(isinstance(node, ForNode | IfNode) for node in _walk(template.nodelist)):
            return text
        return template.render(Context({n: _Placeholder(n) for n in variables}, autoescape=False)).strip()
    return source


def gettext_template(msgid: str, *, rename: dict[str, str] | None = None,
                     then: tuple[str, str] | None = None) -> Callable[[], str]:
    """A default kept as a translated sentence with %(x)s placeholders: in the active language, with each
    placeholder as {{ x }} (or {{ rename[x] }}). `then` = (variable, msgid): a sentence added when it is true."""
    def source() -> str:
        text = _placeholders(translation.gettext(msgid), rename or {})
        if then:
            text += "{% if " + then[0] + " %}" + _placeholders(translation.gettext(then[1]), rename or {}) + "{% endif %}"
        return text
    return source


def _placeholders(text: str, rename: dict[str, str]) -> str:
    return re.sub(r"%\((\w+)\)s", lambda m: "{{ " + rename.get(m.group(1), m.group(1)) + " }}", text)


def message_default(name: str, language: str) -> tuple[str, str]:
    message = _MESSAGES[name]
    with translation.override(language):
        return message.subject(), message.body()


def message_texts_load(*, store_ids: set[int], names: set[str], language: str | None = None,
                       ) -> dict[tuple[int, str], MessageText]:
    """The stores' own texts of messages `names`, in one query, for a batch of messages (message_render's
    `texts`): the cost of a batch stays the same whatever its size."""
    language = language or settings.LANGUAGE_CODE
    return {(row.store_id, row.name): row for row in MessageText.objects.filter(
        store_id__in=store_ids, name__in=names, language=language)}


def message_sources(*, store: Store | int, name: str, language: str,
                    texts: dict[tuple[int, str], MessageText] | None = None) -> tuple[str, str, MessageText | None]:
    """The subject and text templates in effect, and the store's own row (None: the default)."""
    store_id = store if isinstance(store, int) else store.pk
    if texts is not None:
        own = texts.get((store_id, name))
    else:
        own = MessageText.objects.filter(store_id=store_id, name=name, language=language).first()
    if own:
        return own.subject, own.body, own
    return (*message_default(name, language), None)


def _render(source: str, context: dict, language: str) -> str:
    with translation.override(language):
        return ENGINE.from_string(source).render(Context(context, autoescape=False)).strip()


def message_render(*, store: Store | int, name: str, context: dict, language: str | None = None,
                   texts: dict[tuple[int, str], MessageText] | None = None) -> tuple[str, str]:
    """The subject and the text the customer receives: the store's own text of message `name` in `language`
    (the site's language by default, as before) or the default. `texts`: preloaded by message_texts_load."""
    language = language or settings.LANGUAGE_CODE
    subject, body, _own = message_sources(store=store, name=name, language=language, texts=texts)
    return " ".join(_render(subject, context, language).split()), _render(body, context, language)


# --- checking a text ----------------------------------------------------------------------------------------


class _Watching(Context):
    """Notes every variable looked up that the context does not have."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown: set[str] = set()

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            self.unknown.add(key)
            raise


def _walk(nodes) -> list[Node]:
    out = []
    for node in nodes:
        out.append(node)
        for attr in node.child_nodelists:
            out.extend(_walk(getattr(node, attr, None) or []))
    return out


def _names(template) -> tuple[set[str], set[str], bool]:
    """The variables a template reads ({{ x }}, {% blocktranslate %}), the names it sets itself (loops, with),
    and whether it holds {% debug %}."""
    used: set[str] = set()
    local: set[str] = {"forloop"}
    debug = False
    for node in _walk(template.nodelist):
        if isinstance(node, VariableNode):
            var = node.filter_expression.var
            if getattr(var, "lookups", None):
                used.add(var.lookups[0])
        elif isinstance(node, BlockTranslateNode):
            for token in [*node.singular, *(node.plural or [])]:
                if token.token_type.name == "VAR":
                    used.add(token.contents.split(".")[0])
            local.update(node.extra_context)
            for expression in node.extra_context.values():
                if getattr(expression.var, "lookups", None):
                    used.add(expression.var.lookups[0])
            if node.countervar:
                local.add(node.countervar)
        elif isinstance(node, ForNode):
            local.update(node.loopvars)
        elif isinstance(node, WithNode):
            local.update(node.extra_context)
        elif isinstance(node, DebugNode):
            debug = True
    return used, local, debug


def message_text_check(*, name: str, language: str, subject: str, body: str) -> None:
    """Refuse a text that does not compile, does not render, or uses a variable message `name` does not offer;
    the refusal names the field and what is wrong."""
    message = _MESSAGES[name]
    offered = set(message.variables)
    for field_name, source in (("subject", subject), ("body", body)):
        if not source.strip():
            raise ProcessError(_("Write the text."), field=field_name)
        try:
            template = ENGINE.from_string(source)
        except TemplateSyntaxError as exc:
            raise ProcessError(_("This text is not a valid template: %(error)s") % {"error": exc},
                               field=field_name) from exc
        used, local, debug = _names(template)
        if debug:
            raise ProcessError(_("{% debug %} is not allowed in a customer message."), field=field_name)
        context = _Watching(dict(message.sample), autoescape=False)
        try:
            with translation.override(language):
                template.render(context)
        except Exception as exc:  # noqa: BLE001 - any failure of a manager's template is a message, not a 500
            raise ProcessError(_("This text cannot be filled in: %(error)s") % {"error": exc},
                               field=field_name) from exc
        unknown = sorted((used - local - offered) | (context.unknown - local - offered))
        if unknown:
            raise ProcessError(
                _("This message has no %(names)s. It offers: %(offered)s.") % {
                    "names": ", ".join("{{ " + n + " }}" for n in unknown),
                    "offered": ", ".join("{{ " + n + " }}" for n in sorted(offered))}, field=field_name)


def message_text_save(*, store: Store, actor: User, name: str, language: str, subject: str,
                      body: str) -> MessageText:
    """The store's own text of a message in one language, checked first; logged with the old and new text."""
    if name not in _MESSAGES:
        raise ProcessError(_("There is no such message."))
    if language not in LANGUAGES:
        raise ProcessError(_("Choose a language."), field="language")
    subject, body = subject.strip(), body.strip()
    message_text_check(name=name, language=language, subject=subject, body=body)
    old_subject, old_body, own = message_sources(store=store, name=name, language=language)
    with transaction.atomic():
        row, _created = MessageText.objects.update_or_create(
            store=store, name=name, language=language,
            defaults={"subject": subject, "body": body, "updated_by": actor})
        settings_change_record(actor=actor, obj=row, changes={"subject": (old_subject, subject),
                                                              "body": (old_body, body)})
    return row


def message_text_reset(*, store: Store, actor: User, name: str, language: str) -> None:
    """Back to the default text: the store's own row goes (it is a setting, not a record of anything sent:
    what was sent is in the outbox), and the log keeps the text it had."""
    with transaction.atomic():
        own = MessageText.objects.select_for_update().filter(store=store, name=name, language=language).first()
        if own is None:
            return
        subject, body = message_default(name, language)
        settings_change_record(actor=actor, obj=own, changes={"subject": (own.subject, subject),
                                                              "body": (own.body, body)})
        own.delete()


def message_preview(*, store: Store, name: str, language: str, subject: str | None = None,
                    body: str | None = None) -> dict:
    """The message filled from a recent real record of the store ({"subject", "body"}), or {"none": True} when the
    store has none yet; with `subject`/`body`, those texts instead of the ones in effect (a draft being edited)."""
    message = _MESSAGES[name]
    context = message.preview(store)
    if context is None:
        return {"none": True}
    current_subject, current_body, _own = message_sources(store=store, name=name, language=language)
    try:
        return {"subject": " ".join(_render(subject or current_subject, context, language).split()),
                "body": _render(body or current_body, context, language)}
    except Exception as exc:  # noqa: BLE001 - a draft that does not render is shown as an error
        return {"error": str(exc)}
