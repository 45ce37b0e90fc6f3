from django.urls import path

from openprecinct.records import views

app_name = "records"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("export.csv", views.incident_export_csv, name="export_csv"),
    path("nibrs.csv", views.nibrs, name="nibrs"),
    path("new/", views.incident_create, name="create"),
    path("validate/", views.incident_validate, name="validate"),
    path("approvals/", views.approvals, name="approvals"),
    path("imports/", views.imports, name="imports"),
    path("imports/start/", views.import_start, name="import_start"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/edit/", views.incident_edit, name="edit"),
    path("<int:incident_id>/submit/", views.incident_submit, name="submit"),
    path("<int:incident_id>/approve/", views.incident_approve, name="approve"),
    path("<int:incident_id>/return/", views.incident_return, name="return"),
    path("<int:incident_id>/supplement/", views.incident_supplement, name="supplement"),
    path("<int:incident_id>/seal/", views.incident_seal, name="seal"),
    path("<int:incident_id>/reclassify/", views.incident_reclassify, name="reclassify"),
]
