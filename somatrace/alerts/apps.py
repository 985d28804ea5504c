from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "somatrace.alerts"
    label = "alerts"
    verbose_name = "Safety alerts"
