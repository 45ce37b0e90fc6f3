from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "openprecinct.community"
    label = "community"
    verbose_name = (
        "Community: tips, events, watch groups, academy, volunteers, donations, safety posts"
    )

    def ready(self) -> None:
        from openprecinct.community.dashboard import community_tasks
        from openprecinct.core.dashboard import register

        register(community_tasks)
