from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "openprecinct.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch: calls for service, units, response times and patrol allocation"
