from django.urls import path

from . import views

app_name = "declarations"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.declaration_start, name="declaration-start"),
    path("<int:pk>/", views.declaration_detail, name="declaration-detail"),
    path("<int:pk>/start/", views.declaration_start, name="declaration-change-start"),
    path("<int:pk>/questions/<slug:step>/", views.declaration_question, name="declaration-question"),
    path("<int:pk>/check/", views.declaration_check, name="declaration-check"),
    path("<int:pk>/update/", views.declaration_revise, name="declaration-revise"),
    path("<int:pk>/end/", views.declaration_end, name="declaration-end"),
    path("<int:pk>/review/", views.declaration_review, name="declaration-review"),
    path("<int:pk>/withhold/", views.declaration_withhold, name="declaration-withhold"),
    path("<int:pk>/ask-to-withhold/", views.declaration_withholding_ask, name="declaration-withholding-ask"),
    path("<int:pk>/refuse-to-withhold/", views.declaration_withholding_refuse, name="declaration-withholding-refuse"),
    path("<int:pk>/release/", views.declaration_release, name="declaration-release"),
    path("annual/", views.annual_confirmations, name="annual-confirmations"),
    path("annual/<slug:partnership_slug>/", views.annual_confirm, name="annual-confirm"),
    path("register/", views.register, name="register"),
    path("register.csv", views.register_export, name="register-export"),
    path("public/", views.public_register_list, name="public-register-list"),
    # Before the partnerships' downloads, so that no partnership's slug can hide it.
    path("public/schema.json", views.public_register_schema, name="public-register-schema"),
    path("public/<slug:partnership_slug>/", views.public_register, name="public-register"),
    path("public/<slug:partnership_slug>/not-declared/", views.public_not_declared, name="public-not-declared"),
    path("public/<slug:partnership_slug>.csv", views.public_register_csv, name="public-register-csv"),
    path("public/<slug:partnership_slug>.json", views.public_register_json, name="public-register-json"),
]
