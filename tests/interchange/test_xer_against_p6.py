"""Reschedule real P6 files from scratch and compare with the dates and floats P6 stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitebook.interchange.compute import main
from sitebook.interchange.xer import decode_xer, read_tables

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schedules" / "p6-xer"
DATES = ("early_start_date", "early_end_date", "late_start_date", "late_end_date")
FLOATS = ("total_float_hr_cnt", "free_float_hr_cnt")
COMPUTED = (*DATES, *FLOATS, "restart_date", "reend_date", "rem_late_start_date")
COMPUTED += ("rem_late_end_date",)
JSON_KEYS = {
    "early_start_date": "early_start",
    "early_end_date": "early_finish",
    "late_start_date": "late_start",
    "late_end_date": "late_finish",
    "total_float_hr_cnt": "total_float_hours",
    "free_float_hr_cnt": "free_float_hours",
}

# Activities that still differ from P6 (a ceiling: the test fails if more differ).
# HS2 (0): every activity matches, including the 47 as-late-as-possible activities P6 left in
# place for want of free float, whose total float P6 8.1 takes from a second schedule with
# each working day as one block and 100 %-complete work ending at the data date (see
# `sitebook.engine.cpm_core._in_place_alap_floats`; 43 of them differed before that).
# MPXJ's PrimaveraScheduler misses 43 activities on this file
# (../shared/fixtures/schedules/MANIFEST.md). (AWP01-8510, a start milestone after a 17:00
# finish that P6 shows at 08:00 next day, matches since both cpm_core and cpm_fast write a
# start milestone's early date in start form.)
# p6-23 (3): activities edited after the project was last scheduled (see the test below).
KNOWN_MISMATCHES = {
    "airport-terminal.xer": 0,
    "hs2-sp10-cost-loaded.xer": 0,
    "p6-23-progress-override.xer": 3,
}


def _stored_and_blanked(data: bytes) -> tuple[dict[tuple[str, str], dict[str, str]], bytes]:
    """P6's stored TASK values keyed by (project short name, task code), and a blanked copy."""
    text = decode_xer(data)
    out: list[str] = []
    stored: dict[tuple[str, str], dict[str, str]] = {}
    projects: dict[str, str] = {}
    table = ""
    columns: list[str] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if parts[0] == "%T":
            table = parts[1]
        elif parts[0] == "%F":
            columns = parts[1:]
        elif parts[0] == "%R" and table == "PROJECT":
            row = dict(zip(columns, parts[1:], strict=False))
            projects[row["proj_id"]] = row["proj_short_name"]
        elif parts[0] == "%R" and table == "TASK":
            row = dict(zip(columns, parts[1:], strict=False))
            stored[(projects[row["proj_id"]], row["task_code"])] = row
            values = parts[1:] + [""] * (len(columns) - len(parts) + 1)
            for name in COMPUTED:
                if name in columns:
                    values[columns.index(name)] = ""
            line = "\t".join(["%R", *values[: len(columns)]])
        out.append(line)
    return stored, ("\r\n".join(out) + "\r\n").encode("utf-8")


def _compare(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    data = (FIXTURES / name).read_bytes()
    stored, blanked = _stored_and_blanked(data)
    copy = tmp_path / name
    copy.write_bytes(blanked)
    assert main([str(copy), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    differing: list[str] = []
    for project in doc["projects"]:
        for act in project["activities"]:
            row = stored[(project["code"], act["code"])]
            problems = []
            for column in DATES:
                ours = (act[JSON_KEYS[column]] or "").replace("T", " ")
                if ours != row[column]:
                    problems.append(f"{column} P6 {row[column]} ours {ours}")
            for column in FLOATS:
                ours_f = act[JSON_KEYS[column]]
                theirs = row[column].strip()
                if (ours_f is None) != (theirs == ""):
                    problems.append(f"{column} P6 {theirs!r} ours {ours_f}")
                elif ours_f is not None and abs(float(theirs) - ours_f) > 0.01:
                    problems.append(f"{column} P6 {theirs} ours {ours_f}")
            if problems:
                differing.append(f"{project['code']}/{act['code']}: {'; '.join(problems)}")
    return differing


@pytest.mark.parametrize("name", sorted(KNOWN_MISMATCHES))
def test_rescheduled_dates_and_floats_match_p6(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    differing = _compare(name, tmp_path, capsys)
    listing = "\n".join(differing[:50])
    assert len(differing) <= KNOWN_MISMATCHES[name], f"{len(differing)} differ:\n{listing}"


def test_airport_terminal_matches_p6_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _compare("airport-terminal.xer", tmp_path, capsys) == []


def _edited_after_scheduling(data: bytes) -> set[str]:
    """Activities changed after their project was last scheduled (P6's values for them are stale).

    P6 stamps each TASK row's `update_date` and each project's `last_schedule_date`; a row
    updated later was edited after the dates and floats it carries were computed.
    """
    tables = read_tables(data)
    scheduled = {r["proj_id"]: r.get("last_schedule_date", "") for r in tables["PROJECT"].rows}
    edited: set[str] = set()
    for row in tables["TASK"].rows:
        if scheduled.get(row["proj_id"]) and row["update_date"] > scheduled[row["proj_id"]]:
            edited.add(row["task_code"])
    return edited


def test_p6_23_differs_only_where_edited_after_the_last_schedule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """P6 scheduled project 935 at 2025-04-10 09:52; A7720, A7770 and A7820 were updated at
    09:53 and never rescheduled, so their stored early dates (e.g. A7720 starting 2025-09-24,
    though it has no predecessor or constraint and its own restart date is 2026-03-10) and
    floats (free float 8 h above total float) are left from before the edit. Every other
    activity of both projects, including those three's successor M1320, matches P6."""
    data = (FIXTURES / "p6-23-progress-override.xer").read_bytes()
    edited = _edited_after_scheduling(data)
    differing = {
        line.split(":")[0].split("/")[1]
        for line in _compare("p6-23-progress-override.xer", tmp_path, capsys)
    }
    assert edited == {"A7720", "A7770", "A7820"}
    assert differing == edited
