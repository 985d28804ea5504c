from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "somatrace.scheduling"
    label = "scheduling"
    verbose_name = "Calendar and booking"
