from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "somatrace.research"
    label = "research"
    verbose_name = "Practice-based evidence"
