from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "somatrace.api"
    label = "api"
    verbose_name = "REST API"
