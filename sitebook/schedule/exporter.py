"""Export of a stored project's schedule to P6 XER or MS Project XML (MSPDI).

`adapters.export_network` turns the rows into an engine network; the pure writers in
`sitebook.interchange` turn that into a file. The network is written (calendars, WBS,
activities with their durations, constraints and progress, relationships, the data date and
the options the format carries, resources and assignments, and each activity's cost code,
responsible and three-point durations as activity codes and user-defined fields (XER) or
custom fields (MSPDI)): the reading tool recomputes the dates, as the importer does.
What a format cannot carry is listed in `Export.losses` (see the writers' module docs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sitebook.core.errors import InvalidInput
from sitebook.interchange.mspdi_writer import mspdi_losses, write_mspdi
from sitebook.interchange.xer_writer import write_xer, xer_losses
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.schedule import adapters
from sitebook.schedule.models import ScheduleSettings

#: format -> (label, file extension, content type)
FORMATS = {
    "xer": ("Primavera P6 XER", "xer", "application/x-primavera-xer"),
    "mspdi": ("MS Project XML", "xml", "application/xml"),
}


@dataclass
class Export:
    data: bytes
    filename: str
    content_type: str
    format_label: str
    activities: int = 0
    relationships: int = 0
    calendars: int = 0
    resources: int = 0
    assignments: int = 0
    #: What the format cannot carry exactly (English, from the writers).
    losses: list[str] = field(default_factory=list)


_UNSAFE = set('/\\:*?"<>|')


def _safe(name: str) -> str:
    """The project code as a file name (no separators or control characters)."""
    cleaned = "".join("_" if c in _UNSAFE or ord(c) < 32 else c for c in name).strip()
    return cleaned or "schedule"


def schedule_export(*, actor: Any, project: Project, format: str) -> Export:
    """The project's schedule as a file of `format` ("xer" or "mspdi"), with its resources
    and assignments."""
    access.require(actor, "schedule.export", project)
    if format not in FORMATS:
        raise InvalidInput.field(
            "format", _("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}
        )
    if not ScheduleSettings.objects.filter(project=project).exists():
        raise InvalidInput.field("project", _("The project has no schedule to export."))
    network = adapters.export_network(project)
    engine = network.project
    if not engine.activities:
        raise InvalidInput.field("project", _("The project has no schedule to export."))
    if format == "xer":
        data = write_xer([engine], network.wbs_names, network.resources, network.fields)
        losses = xer_losses(engine)
    else:
        data = write_mspdi(engine, network.resources, network.fields)
        losses = mspdi_losses(engine)
    label, extension, content_type = FORMATS[format]
    return Export(
        data=data,
        filename=f"{_safe(project.code)}.{extension}",
        content_type=content_type,
        format_label=label,
        activities=len(engine.activities),
        relationships=len(engine.links),
        calendars=len(engine.calendars),
        resources=len(network.resources.resources),
        assignments=len(network.resources.assignments),
        losses=losses,
    )
