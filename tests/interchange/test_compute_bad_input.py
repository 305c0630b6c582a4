"""Bad files through `schedule compute`: one line on stderr, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebook.interchange.compute import main

AIRPORT = Path(__file__).resolve().parents[1] / "fixtures/schedules/p6-xer/airport-terminal.xer"

HEADER = (
    "ERMHDR\t5.0\t2012-04-22\tProject\tadmin\tadmin\tdbxDatabaseNoName\tProject Management\tUSD\n"
)
PROJECT = (
    "%T\tPROJECT\n%F\tproj_id\tproj_short_name\tclndr_id\tlast_recalc_date\tplan_start_date\n"
    "%R\t1\tP1\t1\t2025-01-06 00:00\t2025-01-06 00:00\n"
)
CALENDAR = (
    "%T\tCALENDAR\n%F\tclndr_id\tclndr_name\tday_hr_cnt\tweek_hr_cnt\tclndr_data\n"
    "%R\t1\tStd\t8\t\t\n"
)
TASK_HEAD = (
    "%T\tTASK\n%F\ttask_id\tproj_id\tclndr_id\ttask_code\ttask_type\tstatus_code"
    "\ttarget_drtn_hr_cnt\tremain_drtn_hr_cnt\n"
)


def _task(tid: str, hours: str = "8") -> str:
    return f"%R\t{tid}\t1\t1\tA{tid}\tTT_Task\tTK_NotStart\t{hours}\t{hours}\n"


def _preds(*pairs: tuple[str, str]) -> str:
    rows = "".join(f"%R\t{i}\t{s}\t{p}\tPR_FS\t0\n" for i, (p, s) in enumerate(pairs))
    return "%T\tTASKPRED\n%F\ttask_pred_id\ttask_id\tpred_task_id\tpred_type\tlag_hr_cnt\n" + rows


def _run(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "input.xer"
    path.write_bytes(data)
    assert main([str(path), "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_rejects_truncated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = AIRPORT.read_bytes()
    assert "truncated" in _run(tmp_path, data[: len(data) // 2], capsys)


def test_rejects_binary_junk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "not a P6 XER" in _run(tmp_path, b"ERMHDR\x00\x01\x02" + bytes(range(256)), capsys)
    assert "unrecognised" in _run(tmp_path, bytes(range(256)) * 4, capsys)


def test_rejects_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "empty" in _run(tmp_path, b"", capsys)


def test_rejects_link_loop_naming_its_activities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = HEADER + PROJECT + CALENDAR + TASK_HEAD + _task("1") + _task("2") + _task("3")
    body += _preds(("1", "2"), ("2", "3"), ("3", "2")) + "%E\n"
    err = _run(tmp_path, body.encode(), capsys)
    assert "loop" in err and "A2" in err and "A3" in err and "A1" not in err


def test_rejects_link_to_missing_activity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = HEADER + PROJECT + CALENDAR + TASK_HEAD + _task("1") + _preds(("1", "99")) + "%E\n"
    assert "'99'" in _run(tmp_path, body.encode(), capsys)


def test_rejects_negative_duration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = HEADER + PROJECT + CALENDAR + TASK_HEAD + _task("1", "-8") + "%E\n"
    assert "negative" in _run(tmp_path, body.encode(), capsys)


def test_rejects_unreadable_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = HEADER + PROJECT.replace("2025-01-06 00:00\t2025", "06/01/2025\t2025") + "%E\n"
    assert "unreadable date" in _run(tmp_path, body.encode(), capsys)


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.xer")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_zero_activity_project_schedules_to_empty_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty-project.xer"
    path.write_bytes((HEADER + PROJECT + CALENDAR + "%E\n").encode())
    assert main([str(path), "--format", "json"]) == 0
    assert '"activities": []' in capsys.readouterr().out
