from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "somatrace.measures"
    label = "measures"
    verbose_name = "Outcome measures"
