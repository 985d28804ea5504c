from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "somatrace.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        # The periodic retry job registers at import: every process, the worker too.
        from somatrace.mail import tasks  # noqa: F401
