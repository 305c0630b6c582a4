"""Monte Carlo schedule risk of a stored project (a read: nothing is written).

`schedule_risk(user=, project_id=, iterations=, distribution=, seed=)` checks
`schedule.view`, builds the engine input with `adapters.load_network` and
`adapters.three_point_durations`, runs `sitebook.engine.risk.simulate` and answers plain data
with dates as aware datetimes in the site's time zone (`adapters.from_wall`), activities by
their row ids and codes, sorted by criticality.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from sitebook.core.errors import InvalidInput
from sitebook.engine import risk_passes
from sitebook.engine.errors import CycleError, ScheduleError
from sitebook.engine.risk import Distribution, simulate
from sitebook.projects.models import Project
from sitebook.projects.selectors import project_get
from sitebook.schedule import adapters
from sitebook.schedule.models import ScheduleSettings

ITERATIONS_MIN = 100
ITERATIONS_MAX = 20_000
SEED_MAX = 2**32 - 1
DISTRIBUTIONS = tuple(d.value for d in Distribution)


def check_input(
    iterations: Any, distribution: Any, seed: Any
) -> tuple[int, Distribution, int | None]:
    """The run's parameters, or an `InvalidInput` naming every field at fault."""
    errors: list[dict[str, Any]] = []
    count = _integer(iterations)
    if count is None or not ITERATIONS_MIN <= count <= ITERATIONS_MAX:
        message = _("Iterations must be a whole number from %(low)d to %(high)d.") % {
            "low": ITERATIONS_MIN,
            "high": ITERATIONS_MAX,
        }
        errors.append({"field": "iterations", "message": message})
    if distribution not in DISTRIBUTIONS:
        errors.append({"field": "distribution", "message": _("Choose triangular or PERT.")})
    chosen: int | None = None
    if seed not in (None, ""):
        chosen = _integer(seed)
        if chosen is None or not 0 <= chosen <= SEED_MAX:
            message = _("The seed must be a whole number from 0 to %(high)d.") % {"high": SEED_MAX}
            errors.append({"field": "seed", "message": message})
    if errors:
        raise InvalidInput(errors[0]["message"] if len(errors) == 1 else None, errors)
    assert count is not None
    return count, Distribution(distribution), chosen


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def schedule_risk(
    *,
    user: Any,
    project_id: int,
    iterations: Any = 1000,
    distribution: Any = "triangular",
    seed: Any = None,
) -> dict[str, Any]:
    """Run the analysis on the project's stored schedule (permission `schedule.view`)."""
    project = project_get(user, project_id, "schedule.view")
    count, dist, chosen = check_input(iterations, distribution, seed)
    return risk_of(project, count, dist, chosen)


def risk_of(
    project: Project, iterations: int, distribution: Distribution, seed: int | None
) -> dict[str, Any]:
    """The analysis of a project the caller may see (see `schedule_risk`)."""
    points, bad = adapters.three_point_durations(project)
    if bad:
        message = _("Three-point durations out of order (optimistic ≤ most likely ≤ "
                    "pessimistic): %(codes)s") % {"codes": ", ".join(bad[:20])}  # fmt: skip
        raise InvalidInput.field("activities", message)
    if not points:
        raise InvalidInput.field(
            "activities",
            _("No activity has three-point durations (optimistic, most likely, pessimistic)."),
        )
    settings = ScheduleSettings.objects.filter(project=project).first()
    if settings is None:
        raise InvalidInput.field("activities", _("The project has no schedule yet."))
    network = adapters.load_network(project, settings)
    try:
        found = simulate(
            network.project, points, distribution=distribution, iterations=iterations, seed=seed
        )
    except CycleError as exc:
        raise InvalidInput.field("activities", str(exc)) from exc
    except ScheduleError as exc:
        raise InvalidInput.field("__all__", str(exc)) from exc
    names = {a.id: a.name for a in network.project.activities}
    activities = sorted(
        (
            {
                "id": int(r.id),
                "code": r.code,
                "name": names.get(r.id, ""),
                "sampled": r.sampled,
                "criticality": round(r.criticality, 4),
                "p80_finish": _aware(r.p80_finish),
            }
            for r in found.activities
        ),
        key=lambda r: (-r["criticality"], r["code"]),
    )
    return {
        "project_id": project.pk,
        "iterations": found.iterations,
        "distribution": found.distribution.value,
        "seed": found.seed,
        "mean_finish": _aware(found.mean_finish),
        "p10": _aware(found.percentiles[10]),
        "p50": _aware(found.percentiles[50]),
        "p80": _aware(found.percentiles[80]),
        "p90": _aware(found.percentiles[90]),
        "deterministic_finish": _aware(found.deterministic_finish),
        "deterministic_percentile": round(found.deterministic_percentile * 100, 1),
        "model_finish": _aware(found.model_finish),
        "histogram": [
            {"start": _aware(b.start), "end": _aware(b.end), "count": b.count}
            for b in found.histogram
        ],
        "sampled_count": len(found.sampled),
        "activities": activities,
        "notes": [
            {"kind": kind, "count": count, "message": _note_message(kind, count)}
            for kind, count in found.notes.items()
        ],
    }


def _note_message(kind: str, count: int) -> str:
    """A note of the engine (`risk_passes` kinds) as a sentence for the user."""
    messages = {
        risk_passes.OTHER_CALENDAR: _(
            "%(n)d activities are on other calendars: their durations are counted on the "
            "project's default calendar."
        ),
        risk_passes.OTHER_LAG_CALENDAR: _(
            "%(n)d lags are counted on the project's default calendar instead of their own."
        ),
        risk_passes.ELAPSED_LAGS: _(
            "%(n)d elapsed lags are converted to working time at the default calendar's "
            "hours per day."
        ),
        risk_passes.CONSTRAINTS_NOT_APPLIED: _(
            "%(n)d activities have upper-bound or as-late-as-possible constraints, which the "
            "analysis does not apply."
        ),
        risk_passes.NOT_SAMPLED: _(
            "%(n)d activities with three-point durations keep a fixed duration (complete, "
            "milestone, summary, or started with an expected finish)."
        ),
    }
    return messages.get(kind, kind) % {"n": count}


def _aware(moment: dt.datetime) -> dt.datetime:
    found = adapters.from_wall(moment)
    assert found is not None
    return found
