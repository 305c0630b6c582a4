from django.urls import path

from sitebook.schedule import views

app_name = "schedule"

urlpatterns = [
    path("<int:project_id>/schedule/", views.activity_list, name="activity_list"),
    path(
        "<int:project_id>/schedule/activities/<int:activity_id>/",
        views.activity_detail,
        name="activity_detail",
    ),
    path("<int:project_id>/schedule/gantt/", views.gantt, name="gantt"),
    path("<int:project_id>/schedule/gantt.json", views.gantt_data, name="gantt_data"),
    path("<int:project_id>/schedule/import/", views.schedule_import, name="import"),
    path("<int:project_id>/schedule/export/", views.schedule_export, name="export"),
    path("<int:project_id>/schedule/baselines/", views.baselines, name="baselines"),
    path("<int:project_id>/schedule/progress/", views.progress, name="progress"),
    path("<int:project_id>/schedule/warnings/", views.warnings, name="warnings"),
    path("<int:project_id>/schedule/lookahead/", views.lookahead, name="lookahead"),
    path("<int:project_id>/schedule/resources/", views.resource_list, name="resources"),
    path(
        "<int:project_id>/schedule/resources/<int:resource_id>/",
        views.resource_update,
        name="resource_update",
    ),
    path(
        "<int:project_id>/schedule/resources/<int:resource_id>/delete/",
        views.resource_delete,
        name="resource_delete",
    ),
    path(
        "<int:project_id>/schedule/activities/<int:activity_id>/assignments/",
        views.assignment_create,
        name="assignment_create",
    ),
    path(
        "<int:project_id>/schedule/assignments/<int:assignment_id>/",
        views.assignment_update,
        name="assignment_update",
    ),
    path(
        "<int:project_id>/schedule/assignments/<int:assignment_id>/delete/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("<int:project_id>/schedule/dcma/", views.dcma, name="dcma"),
    path("<int:project_id>/schedule/risk/", views.schedule_risk, name="risk"),
    path("<int:project_id>/schedule/reschedule/", views.reschedule, name="reschedule"),
]
