from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "somatrace.demo"
    label = "demo"
    verbose_name = "Demo practice"
