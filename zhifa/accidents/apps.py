from django.apps import AppConfig


class AccidentsConfig(AppConfig):
    name = "zhifa.accidents"
    label = "accidents"
    verbose_name = "生产安全事故"
