from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "somatrace.accounts"
    label = "accounts"
    verbose_name = "Practices and people"

    def ready(self) -> None:
        from somatrace.accounts import tasks  # noqa: F401  (registers the periodic job)
