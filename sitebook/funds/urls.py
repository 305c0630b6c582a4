from django.urls import path

from sitebook.funds import views, views_cashflow

app_name = "funds"

# Mounted under projects/<int:project_id>/funds/. Pages are added by views.py.
urlpatterns: list = [
    path("", views.claim_list, name="claim_list"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:claim_id>/<slug:action>/", views.claim_action, name="claim_action"),
    path("payables/", views.payable_list, name="payable_list"),
    path("payables/<int:payable_id>/", views.payable_detail, name="payable_detail"),
    path("payables/<int:payable_id>/<slug:action>/", views.payable_action, name="payable_action"),
    path("requests/<int:request_id>/<slug:action>/", views.request_action, name="request_action"),
    path("advances/", views.advances, name="advances"),
    path("retention/", views.retention, name="retention"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:entry_id>/reverse/", views.ledger_reverse, name="ledger_reverse"),
    path("balances/", views.balances, name="balances"),
    path("ageing/", views.ageing_report, name="ageing"),
    path("card/", views.card, name="card"),
    path("export/<slug:what>.xlsx", views.export, name="export"),
    path("cashflow/", views_cashflow.cashflow, name="cashflow"),
    path("cashflow.xlsx", views_cashflow.cashflow_export, name="cashflow_export"),
]
