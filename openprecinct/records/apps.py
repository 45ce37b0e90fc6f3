from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "openprecinct.records"
    label = "records"
    verbose_name = "Incident records"
