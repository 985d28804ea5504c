from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "somatrace.core"
    label = "core"
    verbose_name = "Core"
