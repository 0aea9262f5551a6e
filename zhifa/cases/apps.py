from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhifa.cases"
    verbose_name = _("行政处罚案件")
    default_auto_field = "django.db.models.BigAutoField"
