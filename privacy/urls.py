from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("retention/", views.retention_schedule, name="retention-schedule"),
    path("retention/<slug:kind>/", views.retention_period_edit, name="retention-period-edit"),
    path("subject-access/", views.subject_access_requests, name="subject-access-requests"),
    path("subject-access/new/", views.subject_access_request_new, name="subject-access-request-new"),
    path("subject-access/<int:pk>/", views.subject_access_request, name="subject-access-request"),
    path("subject-access/<int:pk>/export/", views.subject_access_export, name="subject-access-export"),
    path("subject-access/<int:pk>/export.json", views.subject_access_export_json, name="subject-access-export-json"),
]
