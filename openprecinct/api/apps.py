from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openprecinct.api"
    label = "api"
    verbose_name = "REST API"
