"""Critical path method: forward and backward passes over a `Project`, P6's way.

`schedule(project)` returns a `Schedule` with early/late dates, total and free float and the
critical flag of every activity, computed from logic, durations, calendars, constraints and
progress against the data date; the dates a file may have stored are never used.

Representation (the invariants the passes keep):

* every activity's dates are kept as *working ordinals* on its own calendar (see
  `sitebook.engine.calendars`); a start at ordinal `w` is the moment minute `w` begins
  (08:00 form), a finish at ordinal `w` the moment minute `w - 1` ends (17:00 form);
* a link turns the predecessor's driving moment into an absolute minute, adds the lag on the
  lag calendar, and the successor reads that moment back as an ordinal on its calendar;
* the network is compiled once into integer index arrays in topological order
  (`sitebook.engine.cpm_core`), and the passes run over those arrays.

What P6 stores, and so what the results mean: for a completed activity the early dates are the
data date and floats are blank (None); for a started one the early start is the *remaining*
early start (P6's `restart_date`); floats are working minutes on the activity's calendar.
"""

from __future__ import annotations

from sitebook.engine import cpm_core, cpm_fast
from sitebook.engine.network import Project, Schedule

__all__ = ["schedule", "schedule_all"]


def schedule(project: Project) -> Schedule:
    """Schedule `project` from scratch and return its `Schedule`.

    Large networks that use only what the compiled kernel implements go to
    `sitebook.engine.cpm_fast` (see `cpm_fast.worth_it` for the size rule and
    `cpm_fast.unsupported_reason` for the features); everything else to `cpm_core`. Both give
    identical results where both apply (tests/engine/test_properties.py).
    """
    if cpm_fast.worth_it(len(project.activities)):
        found = cpm_fast.schedule(project)
        if found is not None:
            return found
    return cpm_core.schedule(project)


def schedule_all(projects: list[Project]) -> list[Schedule]:
    """Schedule several projects (each with its own options), in order."""
    return [schedule(p) for p in projects]
