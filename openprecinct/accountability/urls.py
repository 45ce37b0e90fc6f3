"""Staff pages of accountability, mounted at /accountability/."""

from django.urls import path

from openprecinct.accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.home, name="home"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/export.csv", views.complaint_export, name="complaint_export"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/act/", views.complaint_act, name="complaint_act"),
    path("complaints/<int:pk>/acknowledge/", views.complaint_acknowledge, name="acknowledge"),
    path("complaints/<int:pk>/allegations/", views.allegation_add, name="allegation_add"),
    path("complaints/<int:pk>/tasks/", views.task_add, name="task_add"),
    path("complaints/<int:pk>/flags/", views.complaint_flags, name="complaint_flags"),
    path("complaints/<int:pk>/link/", views.complaint_link, name="complaint_link"),
    path("allegations/<int:pk>/finding/", views.allegation_finding, name="allegation_finding"),
    path("allegations/<int:pk>/penalty/", views.allegation_penalty, name="allegation_penalty"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("officers/", views.officer_list, name="officers"),
    path("officers/<int:pk>/", views.officer_detail, name="officer"),
    path("imports/", views.import_list, name="imports"),
    path("ia/", views.ia_list, name="ia_list"),
    path("ia/new/", views.ia_new, name="ia_new"),
    path("ia/<int:pk>/", views.ia_detail, name="ia_case"),
    path("ia/<int:pk>/act/", views.ia_act, name="ia_act"),
    path("ia/<int:pk>/allegations/", views.ia_allegation, name="ia_allegation"),
    path("ia/<int:pk>/tasks/", views.ia_task, name="ia_task"),
    path("ia-allegations/<int:pk>/finding/", views.ia_finding, name="ia_finding"),
    path("force/", views.force_list, name="force_list"),
    path("force/new/", views.force_new, name="force_new"),
    path("force/fbi-export.json", views.force_fbi_export, name="force_fbi_export"),
    path("force/<int:pk>/", views.force_detail, name="force_report"),
    path("force/<int:pk>/act/", views.force_act, name="force_act"),
]
