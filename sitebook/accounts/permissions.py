"""Permission codes of the accounts app, and the built-in project roles."""

from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare(
    {
        "accounts.manage_roles": _("Define the organisation's roles"),
        "accounts.manage_users": _("Add people to the organisation"),
    }
)

# Built-in roles: patterns over permission codes, so that a centre added later (costs.*,
# funds.*, labour.*) is granted to the roles that should have it without a data migration.
BUILTIN_ROLES: dict[str, dict[str, object]] = {
    "owner": {"name": _("Owner"), "codes": ["*"]},
    "project_manager": {
        "name": _("Project manager"),
        "codes": [
            "projects.*",
            "audit.view",
            "schedule.*",
            "costs.view",
            "costs.approve",
            "funds.view",
            "funds.approve",
            "labour.*",
            "quality.*",
            "risks.*",
            "reports.*",
        ],
    },
    "scheduler": {
        "name": _("Scheduler"),
        "codes": [
            "projects.view",
            "projects.edit_wbs",
            "audit.view",
            "schedule.*",
            "costs.view",
            "reports.view",
        ],
    },
    "cost_engineer": {
        "name": _("Cost engineer"),
        "codes": [
            "projects.view",
            "audit.view",
            "schedule.view",
            "costs.view",
            "costs.edit",
            "labour.view",
            "funds.view",
            "funds.claim",
            "reports.view",
        ],
    },
    "finance": {
        "name": _("Finance"),
        "codes": ["projects.view", "audit.view", "costs.view", "funds.*", "reports.view"],
    },
    "foreman": {
        "name": _("Foreman"),
        "codes": [
            "projects.view",
            "schedule.view",
            "labour.view",
            "labour.record",
            "quality.view",
            "quality.record",
        ],
    },
    "viewer": {
        "name": _("Viewer"),
        "codes": ["*.view"],
    },
}
