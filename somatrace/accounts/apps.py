from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "somatrace.accounts"
    label = "accounts"
    verbose_name = "Practices and people"
