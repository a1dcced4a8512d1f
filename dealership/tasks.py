"""The core's Celery tasks, where the worker's autodiscovery finds them (`<app>.tasks`)."""

from .imports.tasks import import_check_task, import_write_task

__all__ = ["import_check_task", "import_write_task"]
