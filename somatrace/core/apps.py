from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "somatrace.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from somatrace.core import idle

        user_logged_in.connect(idle.on_login, dispatch_uid="somatrace.core.idle.on_login")
