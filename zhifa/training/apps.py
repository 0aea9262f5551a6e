from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "zhifa.training"
    label = "training"
    verbose_name = "执法培训"
