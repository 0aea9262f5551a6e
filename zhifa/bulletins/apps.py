from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "zhifa.bulletins"
    label = "bulletins"
    verbose_name = "执法工作通报"
