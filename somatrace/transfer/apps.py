from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "somatrace.transfer"
    label = "transfer"
    verbose_name = "Moving a practice and subject access"
