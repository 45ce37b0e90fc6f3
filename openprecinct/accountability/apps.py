from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "openprecinct.accountability"
    label = "accountability"
    verbose_name = "Accountability: complaints, internal affairs, oversight, force, early intervention, training"
