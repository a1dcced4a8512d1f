"""Test settings: the same as production settings, with fast hashing and
Celery tasks run in-process (the worker tests start a real worker)."""

from .settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
NOTIFICATION_BACKEND = "dealership.notify.LocmemBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SMS_BACKEND = "dealership.notify.LocmemBackend"
