"""Production settings pass Django's deploy check; `sitebook up` prepares a working site."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITEBOOK_")}
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # set by browser tests
        env.pop(name, None)
    env.update({"SITEBOOK_DATA_DIR": str(tmp_path), **extra})
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitebook.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        SITEBOOK_HTTPS="1",
        SITEBOOK_SECRET_KEY="x" * 20 + "-long-random-production-key-9a8b7c6d5e4f3",
        SITEBOOK_ALLOWED_HOSTS="sitebook.example.com",
    )
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_over_plain_http_reports_only_what_the_readme_documents(
    tmp_path: Path,
) -> None:
    result = _run(["check", "--deploy"], _env(tmp_path))
    reported = {
        line.split(")")[0].split("(")[-1]
        for line in result.stderr.splitlines()
        if "(security." in line
    }
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert reported == {"security.W004", "security.W008", "security.W012", "security.W016"}
    for code in ("W004", "W008", "W012", "W016"):
        assert code in readme


@pytest.mark.slow
def test_up_migrates_loads_the_demo_once_and_records_it_as_cli(tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = _run(["up", "--no-serve"], env)
    assert first.returncode == 0, first.stderr
    assert "Demo project loaded." in first.stdout
    assert "sitebook-demo" in first.stdout and "foreman" in first.stdout
    second = _run(["up", "--no-serve"], env)
    assert second.returncode == 0, second.stderr
    assert "Demo project present." in second.stdout
    db = sqlite3.connect(tmp_path / "sitebook.sqlite3")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("select count(*) from projects_project").fetchone()[0] == 1
        assert db.execute("select count(*) from projects_raciassignment").fetchone()[0] > 0
        sources = {r[0] for r in db.execute("select distinct source from audit_changerecord")}
        assert sources == {"cli"}
        roles = {
            r[0]
            for r in db.execute(
                "select r.key from projects_projectmember m"
                " join accounts_role r on r.id = m.role_id"
            )
        }
        assert roles >= {
            "project_manager",
            "scheduler",
            "cost_engineer",
            "finance",
            "foreman",
            "viewer",
            "owner",
        }
    finally:
        db.close()
