"""The DCMA 14-point check of a project's stored schedule (the engine computes it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from sitebook.engine import cpm
from sitebook.engine.dcma import assess
from sitebook.projects.models import Project
from sitebook.schedule import adapters, selectors


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
    return [asdict(c) for c in assess(network.project, result, finishes)]


def _rows(baseline: Any) -> dict[str, selectors.BaselineRow]:
    return {str(pk): row for pk, row in selectors.baseline_rows(baseline).items()}
