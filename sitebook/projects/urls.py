from django.urls import path

from sitebook.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:project_id>/", views.project_detail, name="project_detail"),
    path("<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("<int:project_id>/wbs/", views.wbs, name="wbs"),
    path("<int:project_id>/wbs/<int:node_id>/edit/", views.wbs_edit, name="wbs_edit"),
    path("<int:project_id>/wbs/<int:node_id>/delete/", views.wbs_delete, name="wbs_delete"),
    path("<int:project_id>/members/", views.members, name="members"),
    path(
        "<int:project_id>/members/<int:member_id>/role/", views.member_update, name="member_update"
    ),
    path(
        "<int:project_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<int:project_id>/raci/", views.raci, name="raci"),
    path("<int:project_id>/raci/<int:row_id>/", views.raci_row_update, name="raci_row_update"),
    path(
        "<int:project_id>/raci/<int:row_id>/delete/", views.raci_row_delete, name="raci_row_delete"
    ),
    path("<int:project_id>/history/", views.project_history, name="project_history"),
    path(
        "<int:project_id>/history/<slug:model>/<int:object_id>/",
        views.object_history,
        name="object_history",
    ),
]
