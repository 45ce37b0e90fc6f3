from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "openprecinct.insights"
    label = "insights"
    verbose_name = "Insights (CompStat and analysis pages)"
