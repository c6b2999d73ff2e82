from django.urls import path

from . import views

app_name = "breaches"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report_start, name="report"),
    path("report/details/", views.report_details, name="report-details"),
    path("report/sent/", views.report_sent, name="report-sent"),
    path("follow-up/", views.follow_up, name="follow-up"),
    path("follow-up/<int:pk>/", views.follow_up_case, name="follow-up-case"),
    path("mine/", views.my_cases, name="my-cases"),
    path("cases/", views.queue, name="queue"),
    path("cases.csv", views.queue_export, name="queue-export"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/triage/", views.case_triage, name="case-triage"),
    path("cases/<int:pk>/escalate/", views.case_escalate, name="case-escalate"),
    path("cases/<int:pk>/de-escalate/", views.case_de_escalate, name="case-de-escalate"),
    path("cases/<int:pk>/convene/", views.case_convene, name="case-convene"),
    path("cases/<int:pk>/view/", views.case_panel_view, name="case-panel-view"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case-decide"),
    path("cases/<int:pk>/close/", views.case_close, name="case-close"),
    path("cases/<int:pk>/appeal/", views.case_appeal, name="case-appeal"),
    path("cases/<int:pk>/appeal/convene/", views.case_appeal_convene, name="case-appeal-convene"),
    path("cases/<int:pk>/appeal/view/", views.case_appeal_view, name="case-appeal-view"),
    path("cases/<int:pk>/appeal/decide/", views.case_appeal_decide, name="case-appeal-decide"),
    path("cases/<int:pk>/publish/", views.case_publish, name="case-publish"),
    path("cases/<int:pk>/withdraw/", views.case_withdraw, name="case-withdraw"),
    path("cases/<int:pk>/message/", views.case_message, name="case-message"),
    path("cases/<int:pk>/reveal-reporter/", views.case_reporter_reveal, name="case-reveal-reporter"),
    path("cases/<int:pk>/notes/new/", views.case_note_add, name="case-note-add"),
    path("cases/<int:pk>/respond/", views.case_respond, name="case-respond"),
    path("cases/<int:pk>/add-information/", views.case_add_information, name="case-add-information"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("lessons/", views.lessons, name="lessons"),
    path("published/", views.public_register_list, name="public-register-list"),
    path("published/<slug:partnership_slug>/", views.public_register, name="public-register"),
]
