from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "openprecinct.evidence"
    label = "evidence"
    verbose_name = "Evidence (body-worn camera and drone footage)"

    def ready(self) -> None:
        from openprecinct.core.dashboard import register
        from openprecinct.evidence.dashboard import evidence_tasks

        register(evidence_tasks)
