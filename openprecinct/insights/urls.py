from django.urls import path

from openprecinct.insights import views

app_name = "insights"
urlpatterns = [
    path("compstat/", views.compstat_page, name="compstat"),
    path("analysis/", views.analysis_page, name="analysis"),
]
