from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("retention/", views.retention_schedule, name="retention-schedule"),
    path("retention/<slug:kind>/", views.retention_period_edit, name="retention-period-edit"),
]
