"""Messages to customers go through a backend chosen in settings, like
Django's email backends (design.md, "Scheduled jobs"): console for
development, locmem for tests; SMS and email backends for production are
added with the confirmations (appointments issue)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to: str
    subject: str
    body: str
    key: str


@dataclass(frozen=True)
class SendResult:
    ok: bool
    detail: str = ""


class BaseBackend:
    def send(self, message: OutgoingMessage) -> SendResult:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: OutgoingMessage) -> SendResult:
        log.info("[%s to %s] %s\n%s", message.channel, message.to, message.subject, message.body)
        return SendResult(ok=True, detail="console")


class LocmemBackend(BaseBackend):
    outbox: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> SendResult:
        LocmemBackend.outbox.append(message)
        return SendResult(ok=True, detail="locmem")


def get_backend() -> BaseBackend:
    return import_string(settings.NOTIFICATION_BACKEND)()
