from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.partnership_list, name="partnership-list"),
    path("new/", views.partnership_create, name="partnership-create"),
    path("<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("<slug:slug>/edit/", views.partnership_edit, name="partnership-edit"),
    path("<slug:slug>/organisations/new/", views.organisation_add, name="organisation-add"),
    path("<slug:slug>/memberships/<int:membership_id>/end/", views.membership_end, name="membership-end"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/import/", views.people_import, name="people-import"),
    path("<slug:slug>/people/import/<int:upload_id>/", views.people_import_preview, name="people-import-preview"),
    path("<slug:slug>/people/new/", views.person_add, name="person-add"),
    path("<slug:slug>/people/<int:partner_id>/", views.person_edit, name="person-edit"),
    path("<slug:slug>/people/<int:partner_id>/invite/", views.person_invite, name="person-invite"),
    path(
        "<slug:slug>/people/<int:partner_id>/authenticator-reset/",
        views.person_authenticator_reset,
        name="person-authenticator-reset",
    ),
    path("<slug:slug>/role-names/", views.role_labels, name="role-labels"),
    path("<slug:slug>/policies/", views.policies, name="policies"),
]
