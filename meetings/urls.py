from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/items/new/", views.item_add, name="item-add"),
    path("<int:pk>/declarations/new/", views.declaration_record, name="declaration-record"),
    path("<int:pk>/items/<int:item_id>/conflicts/<int:user_id>/", views.conflict_handle, name="conflict-handle"),
    path("<int:pk>/items/<int:item_id>/decision/", views.item_decide, name="item-decide"),
    path("<int:pk>/publish/", views.meeting_publish, name="meeting-publish"),
    path("public/<slug:partnership_slug>/", views.public_meetings, name="public-meetings"),
    path("public/<slug:partnership_slug>/<int:pk>/", views.public_record, name="public-record"),
]
