from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "somatrace.demo"
    label = "demo"
    verbose_name = "Demo practice"

    def ready(self) -> None:
        from somatrace.demo import checks  # noqa: F401 - registers the deploy check
