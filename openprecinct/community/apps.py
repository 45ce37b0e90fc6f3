from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "openprecinct.community"
    label = "community"
    verbose_name = (
        "Community: tips, events, watch groups, academy, volunteers, donations, safety posts"
    )
