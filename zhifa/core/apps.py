from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhifa.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from zhifa.core import audit, signals  # noqa: F401  (registers the audit handlers)
