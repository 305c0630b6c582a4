"""The DCMA 14-point check of a project's stored schedule (the engine computes it).

Check 10 (resources) is answered here from the stored resource assignments, which the
engine's network does not carry: of the incomplete tasks of at least one working day, the
share without a resource assignment that loads budgeted units or cost (DCMA: every such task
should carry hours or cost; threshold 0 %). A project without any resource (one built by hand
in Sitebook, or imported from a file without them) keeps the engine's "not assessed".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.db.models import Q

from sitebook.engine import cpm
from sitebook.engine.dcma import Check, assess
from sitebook.engine.network import ActivityType
from sitebook.engine.network import Project as EngineProject
from sitebook.projects.models import Project
from sitebook.schedule import adapters, selectors
from sitebook.schedule.models import Resource, ResourceAssignment


def dcma_for(project: Project) -> list[dict[str, Any]]:
    """The fourteen checks as dicts, against the compared baseline when there is one."""
    network = adapters.load_network(project)
    if not network.project.activities:
        return []
    result = cpm.schedule(network.project)
    baseline = selectors.compared_baseline(project)
    finishes: dict[str, dt.datetime | None] | None = None
    if baseline is not None:
        finishes = {pk: row.finish for pk, row in _rows(baseline).items()}
    checks = assess(network.project, result, finishes)
    resources = resources_check(project, network.project)
    if resources is not None:
        checks = [resources if c.number == resources.number else c for c in checks]
    return [asdict(c) for c in checks]


def resources_check(project: Project, network: EngineProject) -> Check | None:
    """DCMA check 10 from the stored assignments; None when the project has no resources."""
    if not Resource.objects.filter(project=project).exists():
        return None
    loaded = {
        str(pk)
        for pk in ResourceAssignment.objects.filter(project=project)
        .filter(Q(planned_quantity__gt=0) | Q(planned_cost__gt=0))
        .values_list("activity_id", flat=True)
    }
    hours = {cid: c.hours_per_day or 8.0 for cid, c in network.calendars.items()}
    tasks = [
        a
        for a in network.activities
        if a.type is ActivityType.TASK
        and not a.is_complete
        and a.original_duration >= hours.get(a.calendar_id, 8.0) * 60
    ]
    missing = sorted(a.code for a in tasks if a.id not in loaded)
    share = round(100.0 * len(missing) / len(tasks), 2) if tasks else 0.0
    return Check(
        10, "resources", "Resources", share, "0%", not missing, len(missing), len(tasks), missing
    )


def _rows(baseline: Any) -> dict[str, selectors.BaselineRow]:
    return {str(pk): row for pk, row in selectors.baseline_rows(baseline).items()}
