from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare(
    {
        "projects.create": _("Create projects in the organisation"),
        "projects.view": _("See the project"),
        "projects.edit": _("Edit the project's details"),
        "projects.edit_wbs": _("Edit the work breakdown structure"),
        "projects.manage_members": _("Add and remove project members"),
        "projects.edit_raci": _("Edit the RACI matrix"),
        "projects.delete": _("Delete the project"),
    }
)
