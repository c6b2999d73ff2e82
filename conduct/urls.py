from django.urls import path

from . import views

app_name = "conduct"

urlpatterns = [
    path("", views.home, name="home"),
    path("codes/", views.code_list, name="code-list"),
    path("codes/<slug:code_slug>/", views.code_detail, name="code-detail"),
    path("codes/<slug:code_slug>/changes/", views.version_diff, name="version-diff"),
    path("codes/<slug:code_slug>/versions/<int:number>/", views.version_detail, name="version-detail"),
    path("codes/<slug:code_slug>/versions/<int:number>.pdf", views.version_pdf, name="version-pdf"),
    path("codes/<slug:code_slug>/versions/<int:number>/sign/", views.version_sign, name="version-sign"),
    path(
        "codes/<slug:code_slug>/versions/<int:number>/signatures/",
        views.signature_dashboard,
        name="signature-dashboard",
    ),
    path(
        "codes/<slug:code_slug>/versions/<int:number>/signatures/chart/",
        views.signature_chart,
        name="signature-chart",
    ),
    path(
        "codes/<slug:code_slug>/versions/<int:number>/signatures.csv", views.signature_export, name="signature-export"
    ),
    path("signatures/", views.my_signatures, name="my-signatures"),
    path("signatures/<uuid:reference>/", views.signature_receipt, name="signature-receipt"),
    path("signatures/<uuid:reference>.pdf", views.signature_receipt_pdf, name="signature-receipt-pdf"),
    path("reviews/", views.review_calendar, name="review-calendar"),
    path("reviews/<int:review_id>/", views.review_detail, name="review-detail"),
    path("manage/codes/", views.manage_codes, name="manage-codes"),
    path("manage/codes/new/", views.code_create, name="code-create"),
    path("manage/codes/<slug:code_slug>/import/", views.code_import, name="code-import"),
    path("manage/codes/<slug:code_slug>/import/confirm/", views.code_import_confirm, name="code-import-confirm"),
    path(
        "manage/codes/<slug:code_slug>/versions/<int:number>/review-schedule/",
        views.review_schedule_edit,
        name="review-schedule-edit",
    ),
    path("manage/codes/<slug:code_slug>/drafts/new/", views.draft_start, name="draft-start"),
    path("manage/codes/<slug:code_slug>/versions/<int:number>/edit/", views.draft_edit, name="draft-edit"),
    path("manage/codes/<slug:code_slug>/versions/<int:number>/publish/", views.version_publish, name="version-publish"),
    path("manage/codes/<slug:code_slug>/versions/<int:number>/sections/new/", views.section_add, name="section-add"),
    path("manage/sections/<int:section_id>/rename/", views.section_rename, name="section-rename"),
    path("manage/sections/<int:section_id>/move/", views.section_move, name="section-move"),
    path("manage/sections/<int:section_id>/remove/", views.section_remove, name="section-remove"),
    path("manage/sections/<int:section_id>/items/new/", views.item_add, name="item-add"),
    path("manage/items/<int:item_id>/edit/", views.item_edit, name="item-edit"),
    path("manage/items/<int:item_id>/remove/", views.item_remove, name="item-remove"),
    path("manage/items/<int:item_id>/move/", views.item_move, name="item-move"),
]
