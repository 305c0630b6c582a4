from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from sitebook.config.api import api
from sitebook.funds import views_cashflow

urlpatterns = [
    path(
        "", RedirectView.as_view(pattern_name="projects:project_list", permanent=False), name="home"
    ),
    path("accounts/", include("sitebook.accounts.urls")),
    path("projects/", include("sitebook.projects.urls")),
    path("projects/<int:project_id>/costs/", include("sitebook.costs.urls")),
    path("projects/<int:project_id>/labour/", include("sitebook.labour.urls")),
    path("projects/<int:project_id>/funds/", include("sitebook.funds.urls")),
    path("funds/cashflow/", views_cashflow.company, name="funds_cashflow_company"),
    path("projects/", include("sitebook.schedule.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler404 = "sitebook.core.views.not_found"
handler500 = "sitebook.core.views.server_error"
