"""`sitebook schedule compute FILE [--format json|table]`: schedule a file from scratch.

Detects the format (P6 XER, P6 XML, MS Project XML), reads the network (never the dates or
floats the file stored), schedules each project with its own options and prints the result.
Bad input gives one line on stderr naming the problem and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from sitebook.engine.cpm import schedule
from sitebook.engine.errors import EmptyInputError, FormatError, ScheduleError
from sitebook.engine.network import Project, Schedule

EXIT_BAD_INPUT = 2


def detect_format(data: bytes) -> str:
    """'xer', 'pmxml' or 'mspdi' from the first bytes of a file; `FormatError` otherwise."""
    if not data.strip():
        raise EmptyInputError("empty file: nothing to schedule")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"ERMHDR"):
        return "xer"
    if head.startswith(b"<"):
        if b"APIBusinessObjects" in data[:20000]:
            return "pmxml"
        if b"schemas.microsoft.com/project" in data[:20000] or b"<Project" in data[:20000]:
            return "mspdi"
    raise FormatError("unrecognised file format (expected P6 XER, P6 XML or MS Project XML)")


def read_projects(data: bytes, name: str) -> list[Project]:
    """Read the projects of a schedule file of any supported format."""
    kind = detect_format(data)
    if kind == "xer":
        from sitebook.interchange.xer import read_xer

        return read_xer(data)
    # The XML readers live in their own modules, imported only for files of their format.
    module = importlib.import_module(f"sitebook.interchange.{kind}")
    if kind == "pmxml":
        read_pmxml: Callable[[bytes], list[Project]] = module.read_pmxml
        return read_pmxml(data)
    read_mspdi: Callable[[bytes, str], list[Project]] = module.read_mspdi
    return read_mspdi(data, name)


def _stamp(moment: Any) -> str | None:
    return None if moment is None else str(moment.strftime("%Y-%m-%dT%H:%M"))


def _hours(minutes: int | None) -> float | None:
    if minutes is None:
        return None
    value = minutes / 60.0
    return int(value) if value == int(value) else round(value, 4)


def result_json(projects: list[Project], schedules: list[Schedule]) -> dict[str, Any]:
    """The JSON document `compute` prints (see the issue for the shape)."""
    out: list[dict[str, Any]] = []
    for project, sched in zip(projects, schedules, strict=True):
        rows = []
        for a in project.activities:
            r = sched.results[a.id]
            blank = r.dates_blank
            rows.append(
                {
                    "code": a.code,
                    "early_start": None if blank else _stamp(r.early_start),
                    "early_finish": None if blank else _stamp(r.early_finish),
                    "late_start": None if blank else _stamp(r.late_start),
                    "late_finish": None if blank else _stamp(r.late_finish),
                    "total_float_hours": _hours(r.total_float),
                    "free_float_hours": _hours(r.free_float),
                    "critical": r.critical,
                }
            )
        out.append({"code": project.code, "data_date": _stamp(sched.data_date), "activities": rows})
    return {"projects": out}


def _table(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    for p in doc["projects"]:
        lines.append(f"Project {p['code']}  data date {p['data_date']}")
        head = ("code", "early start", "early finish", "late start", "late finish", "TF h", "FF h")
        lines.append(
            f"{head[0]:<24} {head[1]:<16} {head[2]:<16} {head[3]:<16} {head[4]:<16}"
            f" {head[5]:>8} {head[6]:>8}  crit"
        )
        for a in p["activities"]:
            tf = "" if a["total_float_hours"] is None else f"{a['total_float_hours']:g}"
            ff = "" if a["free_float_hours"] is None else f"{a['free_float_hours']:g}"
            lines.append(
                f"{a['code']:<24} {a['early_start']:<16} {a['early_finish']:<16}"
                f" {a['late_start']:<16} {a['late_finish']:<16} {tf:>8} {ff:>8}"
                f"  {'*' if a['critical'] else ''}"
            )
        lines.append("")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors follow our one-line rule."""

    def error(self, message: str) -> Any:
        raise FormatError(f"usage: {message}")


def main(argv: list[str]) -> int:
    """Run `schedule compute`; return 0, or 2 after one line on stderr for bad input."""
    parser = _Parser(prog="sitebook schedule compute", add_help=True)
    parser.add_argument("file")
    parser.add_argument("--format", choices=["json", "table"], default="table")
    try:
        args = parser.parse_args(argv)
        with open(args.file, "rb") as handle:
            data = handle.read()
        projects = read_projects(data, os.path.basename(args.file))
        schedules = [schedule(p) for p in projects]
        doc = result_json(projects, schedules)
    except ScheduleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"error: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, never a traceback
        print(f"error: cannot schedule file: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    text = json.dumps(doc, ensure_ascii=False) + "\n" if args.format == "json" else _table(doc)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours, and no traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
