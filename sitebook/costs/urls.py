from django.urls import path

from sitebook.costs import views

app_name = "costs"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("codes/<int:cost_code_id>/", views.cost_code_detail, name="cost_code_detail"),
    path("transactions/", views.transactions, name="transactions"),
    path("budget/", views.budget, name="budget"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<int:contract_id>/", views.contract_detail, name="contract_detail"),
    path("change-orders/", views.change_orders, name="change_orders"),
    path(
        "change-orders/<int:order_id>/<slug:action>/",
        views.change_order_action,
        name="change_order_action",
    ),
    path("evm/", views.evm, name="evm"),
    path("card/", views.card, name="card"),
    path("export.xlsx", views.export, name="export"),
]
