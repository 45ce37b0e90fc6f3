from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "openprecinct.portal"
    label = "portal"
    verbose_name = "Transparency portal: public pages, open data and the privacy rules"
