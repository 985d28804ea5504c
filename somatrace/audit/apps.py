from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "somatrace.audit"
    label = "audit"
    verbose_name = "Audit log"
