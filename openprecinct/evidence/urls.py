from django.urls import path

from openprecinct.evidence import drone_views, views

app_name = "evidence"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("upload/", views.upload_page, name="upload"),
    path("uploads/", views.upload_start, name="upload_start"),
    path("uploads/<uuid:upload_uuid>/", views.upload_chunk, name="upload_chunk"),
    path("redactions/", views.redaction_queue, name="redactions"),
    path("drones/", drone_views.flight_list, name="drone_flights"),
    path("drones/flights/new/", drone_views.flight_create, name="drone_flight_create"),
    path("drones/aircraft/new/", drone_views.aircraft_create, name="drone_aircraft_create"),
    path("redactions/<int:redaction_id>/review/", views.redaction_review, name="redaction_review"),
    path("<uuid:item_uuid>/", views.item_detail, name="detail"),
    path("<uuid:item_uuid>/stream/", views.item_stream, name="stream"),
    path("<uuid:item_uuid>/download/", views.item_download, name="download"),
    path("<uuid:item_uuid>/custody.pdf", views.custody_pdf, name="custody_pdf"),
    path("<uuid:item_uuid>/categorise/", views.item_categorise, name="categorise"),
    path("<uuid:item_uuid>/link/", views.item_link, name="link"),
    path("<uuid:item_uuid>/hold/", views.item_hold, name="hold"),
    path("<uuid:item_uuid>/delete/", views.item_delete_request, name="delete_request"),
    path("<uuid:item_uuid>/undo-delete/", views.item_undo_delete, name="undo_delete"),
    path("<uuid:item_uuid>/access/", views.item_access, name="access"),
    path("<uuid:item_uuid>/grant/", views.item_grant, name="grant"),
    path("<uuid:item_uuid>/share/", views.item_share, name="share"),
    path("<uuid:item_uuid>/unshare/<int:link_id>/", views.item_unshare, name="unshare"),
    path("<uuid:item_uuid>/redact/", views.item_redact_request, name="redact_request"),
]
