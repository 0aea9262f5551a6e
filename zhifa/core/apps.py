from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhifa.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        # The audit handlers; the system checks, which load the break-glass account's rules.
        from zhifa.core import audit, checks, signals  # noqa: F401
