from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.insight, name="insight"),
    path("<slug:slug>/<int:year>/", views.annual_report, name="annual-report"),
    path("<slug:slug>/<int:year>.pdf", views.annual_report_pdf, name="annual-report-pdf"),
]
