from django.apps import AppConfig


class BodymapsConfig(AppConfig):
    name = "somatrace.bodymaps"
    label = "bodymaps"
    verbose_name = "Body maps"
