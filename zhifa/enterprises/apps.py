from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhifa.enterprises"
    label = "enterprises"
    verbose_name = "企业"
