from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run` and the browser tests. It sits on top of every
    stage app (nothing imports it), so it may use them all."""

    name = "demo"
    verbose_name = "Demo data"
