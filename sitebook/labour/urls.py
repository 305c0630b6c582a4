from django.urls import path

from sitebook.labour import views

app_name = "labour"

# Mounted under projects/<int:project_id>/labour/.
urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("day-type/", views.day_type, name="day_type"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:ticket_id>/edit/", views.ticket_edit, name="ticket_edit"),
    path("tickets/<int:ticket_id>/submit/", views.ticket_submit, name="ticket_submit"),
    path("tickets/<int:ticket_id>/sign/", views.ticket_sign, name="ticket_sign"),
    path("tickets/<int:ticket_id>/reject/", views.ticket_reject, name="ticket_reject"),
    path("tickets/<int:ticket_id>/print/", views.ticket_print, name="ticket_print"),
    path("tickets/<int:ticket_id>/photos/", views.ticket_photo_add, name="ticket_photo_add"),
    path(
        "tickets/<int:ticket_id>/photos/<int:photo_id>/",
        views.ticket_photo,
        name="ticket_photo",
    ),
    path(
        "tickets/<int:ticket_id>/photos/<int:photo_id>/delete/",
        views.ticket_photo_delete,
        name="ticket_photo_delete",
    ),
    path("export/", views.export, name="export"),
    path("roster/", views.roster, name="roster"),
    path("roster/trades/", views.trade_create, name="trade_create"),
    path("roster/teams/", views.team_create, name="team_create"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("rates/", views.rates, name="rates"),
    path("rates/close/", views.period_close, name="period_close"),
    path("settings/", views.settings_edit, name="settings"),
    path("summary/", views.summary, name="summary"),
    path("cost/", views.cost_report, name="cost_report"),
]
