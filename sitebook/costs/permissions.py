from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare(
    {
        "costs.view": _("See budgets, contracts, costs and earned value"),
        "costs.edit": _("Edit cost codes, budgets, contracts and post costs"),
        "costs.approve": _("Approve or reject change orders"),
    }
)
