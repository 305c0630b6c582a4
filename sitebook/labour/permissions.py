from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare(
    {
        "labour.view": _("See day-labour tickets, roster and summaries"),
        "labour.record": _("Record and submit day-labour tickets"),
        "labour.approve": _("Sign off and approve day-labour tickets"),
        "labour.manage": _("Manage the labour roster, day rates and settings"),
    }
)
