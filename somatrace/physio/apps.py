from django.apps import AppConfig


class PhysioConfig(AppConfig):
    name = "somatrace.physio"
    label = "physio"
    verbose_name = "Physiology"
