from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "openprecinct.oversight"
    label = "oversight"
    verbose_name = "Civilian oversight committee: case reviews, packets, votes, recommendations"
