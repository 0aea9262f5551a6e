from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhifa.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self):
        from zhifa.accounts import signals  # noqa: F401  (connects the session and lockout receivers)
