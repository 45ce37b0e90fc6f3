from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "openprecinct.personnel"
    label = "personnel"
    verbose_name = "Personnel: early intervention, training and wellness records"
