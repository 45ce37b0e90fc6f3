from django.urls import path

from openprecinct.core.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:job_uuid>/", views.job_detail, name="detail"),
    path("<uuid:job_uuid>/status.json", views.job_status, name="status"),
    path("<uuid:job_uuid>/file", views.job_file, name="file"),
]
