from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "somatrace.clients"
    label = "clients"
    verbose_name = "Clients"
