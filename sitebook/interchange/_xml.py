"""Small helpers shared by the XML schedule readers (P6 PMXML, MS Project MSPDI).

Parsing is defensive: schedule files come from users, so a DOCTYPE (the only door to entity
expansion tricks such as "billion laughs") is refused outright, and every failure of the parser
becomes a typed `ScheduleInputError` with a one-line message.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from sitebook.engine.errors import DateParseError, EmptyInputError, FormatError

Element = ET.Element

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def parse_xml(data: bytes, what: str) -> Element:
    """Parse `data` as XML and return its root element, or raise a typed input error.

    `what` names the expected format in messages ("MS Project XML", "P6 XML").
    """
    if not data or not data.strip():
        raise EmptyInputError(f"empty file, expected {what}")
    if _DOCTYPE.search(data):
        raise FormatError(f"{what} must not carry a DOCTYPE or entity declarations")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FormatError(f"not well-formed XML, expected {what} ({exc})") from None
    return root


def local_name(tag: str) -> str:
    """The tag without its `{namespace}` prefix."""
    return tag.rsplit("}", 1)[-1]


def namespace_of(tag: str) -> str:
    """The namespace URI of a `{namespace}local` tag, or an empty string."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def strip_namespaces(root: Element) -> None:
    """Rewrite every tag of the tree to its local name, in place (one namespace per file)."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = local_name(element.tag)


def text(element: Element, child: str) -> str | None:
    """The stripped text of `child`, or None when it is missing, empty or `xsi:nil`."""
    found = element.find(child)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def to_int(value: str | None, where: str, default: int | None = None) -> int | None:
    """An integer from element text (`default` when absent), or a `FormatError`."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        try:
            as_float = float(value.replace(",", "."))
        except ValueError:
            raise FormatError(f"not an integer: {value!r}", where=where) from None
        return round(as_float)


def to_float(value: str | None, where: str, default: float | None = None) -> float | None:
    """A float from element text; a comma decimal separator (some P6 locales) is accepted."""
    if value is None:
        return default
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise FormatError(f"not a number: {value!r}", where=where) from None


def to_datetime(value: str | None, where: str) -> dt.datetime | None:
    """A naive datetime to the minute from ISO text (`2012-01-02T08:00:00`); None when absent.

    Seconds are dropped (the engine works to the minute); a time zone suffix is ignored because
    both P6 and MS Project write local wall-clock times.
    """
    if value is None:
        return None
    cleaned = value.strip()
    cleaned = re.sub(r"(Z|[+-]\d\d:\d\d)$", "", cleaned)
    try:
        parsed = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise DateParseError(f"not a date: {value!r}", where=where) from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def to_minute_of_day(value: str, where: str) -> int:
    """Minutes from midnight of an `HH:MM[:SS]` time."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?", value.strip())
    if match is None:
        raise DateParseError(f"not a time of day: {value!r}", where=where)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 24 or minutes > 59:
        raise DateParseError(f"not a time of day: {value!r}", where=where)
    return hours * 60 + minutes


def merge_intervals(intervals: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort and merge overlapping or touching intervals; drop empty ones."""
    result: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return tuple(result)
