from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "zhifa.planning"
    label = "planning"
    verbose_name = "计划与双随机抽取"

    def ready(self):
        from zhifa.planning import signals  # noqa: F401  (a signed-off inspection completes its task)
