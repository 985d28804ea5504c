from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "somatrace.reports"
    label = "reports"
    verbose_name = "Reports"
