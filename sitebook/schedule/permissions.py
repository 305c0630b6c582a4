from django.utils.translation import gettext_lazy as _

from sitebook.core.permissions import declare

declare(
    {
        "schedule.view": _("See the schedule"),
        "schedule.edit": _("Edit activities, relationships, calendars and schedule options"),
        "schedule.import": _("Import schedules"),
        "schedule.export": _("Export the schedule to P6 or MS Project"),
        "schedule.baseline": _("Capture and choose baselines"),
        "schedule.progress": _("Enter progress updates"),
    }
)
