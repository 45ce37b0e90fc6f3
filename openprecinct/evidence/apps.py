from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "openprecinct.evidence"
    label = "evidence"
    verbose_name = "Evidence (body-worn camera and drone footage)"
