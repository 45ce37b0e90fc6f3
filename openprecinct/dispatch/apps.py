from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "openprecinct.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch: calls for service, units, response times and patrol allocation"

    def ready(self) -> None:
        from openprecinct.core.dashboard import register
        from openprecinct.dispatch.dashboard import dispatch_tasks

        register(dispatch_tasks)
