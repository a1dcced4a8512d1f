"""The core's Celery tasks, where the worker's autodiscovery finds them (`<app>.tasks`); each is safe to run
twice."""

from celery import shared_task

from .catalogue import price_changes_apply
from .imports.tasks import import_check_task, import_write_task
from .notify import message_deliver, messages_deliver_due

__all__ = ["apply_price_changes", "deliver_due_messages", "deliver_message", "import_check_task",
           "import_write_task"]


@shared_task(name="dealership.tasks.apply_price_changes", time_limit=300, soft_time_limit=270)
def apply_price_changes() -> int:
    """SET-3: a price change whose day has come moves the catalogue's price of today."""
    return price_changes_apply()


@shared_task(name="dealership.tasks.deliver_message", time_limit=120, soft_time_limit=100)
def deliver_message(message_id: int) -> str:
    """Send one message of the outbox after the commit that recorded it (issue 20); safe to run twice: the
    delivery claims the row, and one already sent is not sent again."""
    return message_deliver(message_id)


@shared_task(name="dealership.tasks.deliver_due_messages", time_limit=120, soft_time_limit=100)
def deliver_due_messages() -> dict:
    """Beat: send what is due: messages whose task was lost, and failed sends whose retry time has come."""
    return vars(messages_deliver_due())
