"""Fixtures of the schedule tests: fixture files, a world with an imported schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sitebook.schedule.importer import schedule_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schedules"
HS2 = FIXTURES / "p6-xer" / "hs2-sp10-cost-loaded.xer"
AIRPORT = FIXTURES / "p6-xer" / "airport-terminal.xer"
ALL_FIXTURES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".xer", ".xml"})


def import_file(world: Any, path: Path) -> Any:
    return schedule_import(
        actor=world.admin, data=path.read_bytes(), filename=path.name, project=world.project
    )


@pytest.fixture
def airport(world_a: Any) -> Any:
    import_file(world_a, AIRPORT)
    return world_a
