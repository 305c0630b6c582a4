"""Per-activity fields that do not change dates: cost code, responsible, three-point durations.

The network readers return what the engine schedules; these values are read here, apart (as
`resources.py` reads resources), and written by `xer_writer` / `mspdi_writer`. Each format
carries them the way its own tool does, under the names below, and only those are read back:
every other activity code, user-defined field or custom field is ignored.

* P6 XER: cost code and responsible are activity codes (`ACTVTYPE` rows named "Cost Code"
  and "Responsible", their values in `ACTVCODE.short_name`, assigned by `TASKACTV`); the
  three durations are number user-defined fields of `TASK` (`UDFTYPE.udf_type_label`
  "Optimistic Duration (h)" ..., `logical_data_type` FT_FLOAT_2_DECIMALS, values in
  `UDFVALUE.udf_number` by `fk_id` = `task_id`), in hours: two decimals of an hour
  (36 seconds) still give back the whole minutes.
* MS Project XML: custom fields (`ExtendedAttributes/ExtendedAttribute` definitions with
  `FieldID`, `FieldName` and `Alias`; per task `ExtendedAttribute` `FieldID` + `Value`).
  Written as Text1 (cost code), Text2 (responsible), Duration1..3 (`PT#H#M0S`, working
  time, `DurationFormat` 7); read by alias, whichever field carries it.
* P6 XML: not read (`read_activity_fields` answers None).

Durations are working minutes on the activity's calendar, as everywhere in the engine. The
responsible is whatever identifies a person in the file (Sitebook writes the username); the
importer maps it to a project member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sitebook.engine.errors import FormatError
from sitebook.interchange._xml import parse_xml, strip_namespaces, text
from sitebook.interchange.mspdi import parse_duration
from sitebook.interchange.xer import XerTable, read_tables

__all__ = [
    "ActivityFields",
    "read_activity_fields",
    "COST_CODE",
    "RESPONSIBLE",
    "DURATION_LABELS",
    "MSPDI_FIELDS",
]

COST_CODE = "Cost Code"
RESPONSIBLE = "Responsible"
OPTIMISTIC = "optimistic"
MOST_LIKELY = "most_likely"
PESSIMISTIC = "pessimistic"
#: `ActivityFields` duration attribute -> the label written (P6 UDF title, MSPDI alias).
DURATION_LABELS = {
    OPTIMISTIC: "Optimistic Duration (h)",
    MOST_LIKELY: "Most Likely Duration (h)",
    PESSIMISTIC: "Pessimistic Duration (h)",
}
#: Label -> (MSPDI FieldID, FieldName): Microsoft's PjCustomField values for task fields.
MSPDI_FIELDS = {
    COST_CODE: ("188743731", "Text1"),
    RESPONSIBLE: ("188743734", "Text2"),
    DURATION_LABELS[OPTIMISTIC]: ("188743783", "Duration1"),
    DURATION_LABELS[MOST_LIKELY]: ("188743784", "Duration2"),
    DURATION_LABELS[PESSIMISTIC]: ("188743785", "Duration3"),
}


@dataclass
class ActivityFields:
    """The values of one activity; empty text and None mean not set."""

    cost_code: str = ""
    responsible: str = ""
    optimistic: int | None = None
    most_likely: int | None = None
    pessimistic: int | None = None

    def durations(self) -> dict[str, int]:
        """The three-point durations that are set, by attribute name."""
        found = {
            OPTIMISTIC: self.optimistic,
            MOST_LIKELY: self.most_likely,
            PESSIMISTIC: self.pessimistic,
        }
        return {k: v for k, v in found.items() if v is not None}

    def is_empty(self) -> bool:
        return not (self.cost_code or self.responsible or self.durations())


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


#: Normalised label -> attribute of `ActivityFields`.
_TEXT_LABELS = {_key(COST_CODE): "cost_code", _key(RESPONSIBLE): "responsible"}
_DURATION_BY_LABEL = {_key(label): name for name, label in DURATION_LABELS.items()}


def read_activity_fields(
    kind: str, data: bytes, activity_ids: set[str]
) -> dict[str, ActivityFields] | None:
    """The fields of `activity_ids` in a file of `kind` (only activities with a value), or
    None when the format's fields are not read (P6 XML)."""
    if kind == "xer":
        return _xer(data, activity_ids)
    if kind == "mspdi":
        return _mspdi(data, activity_ids)
    return None


def _minutes_from_hours(value: str | None) -> int | None:
    try:
        hours = float((value or "").strip().replace(",", "."))
    except ValueError:
        return None
    if hours != hours or hours < 0 or hours == float("inf"):
        return None
    return round(hours * 60)


def _rows(tables: Mapping[str, XerTable], name: str) -> list[dict[str, str]]:
    table = tables.get(name)
    return list(table.rows) if table is not None else []


def _xer(data: bytes, activity_ids: set[str]) -> dict[str, ActivityFields]:
    tables = read_tables(data)
    found: dict[str, ActivityFields] = {}

    def fields(task: str) -> ActivityFields:
        return found.setdefault(task, ActivityFields())

    code_types = {
        row.get("actv_code_type_id", ""): _TEXT_LABELS[key]
        for row in _rows(tables, "ACTVTYPE")
        if (key := _key(row.get("actv_code_type", ""))) in _TEXT_LABELS
    }
    values = {
        row.get("actv_code_id", ""): row.get("short_name", "").strip()
        for row in _rows(tables, "ACTVCODE")
        if row.get("actv_code_type_id", "") in code_types
    }
    for row in _rows(tables, "TASKACTV"):
        task, attribute = row.get("task_id", ""), code_types.get(row.get("actv_code_type_id", ""))
        value = values.get(row.get("actv_code_id", ""), "")
        if task in activity_ids and attribute and value:
            setattr(fields(task), attribute, value)
    udf_types = {
        row.get("udf_type_id", ""): _DURATION_BY_LABEL[key]
        for row in _rows(tables, "UDFTYPE")
        if row.get("table_name", "") == "TASK"
        and (key := _key(row.get("udf_type_label", ""))) in _DURATION_BY_LABEL
    }
    for row in _rows(tables, "UDFVALUE"):
        task, attribute = row.get("fk_id", ""), udf_types.get(row.get("udf_type_id", ""))
        minutes = _minutes_from_hours(row.get("udf_number"))
        if task in activity_ids and attribute and minutes is not None:
            setattr(fields(task), attribute, minutes)
    return found


def _minutes(value: str) -> int | None:
    """Minutes of a duration custom field's value; None when it is not a duration."""
    try:
        minutes = parse_duration(value, "ExtendedAttribute")
    except FormatError:
        return None
    return minutes if minutes is not None and minutes >= 0 else None


def _mspdi(data: bytes, activity_ids: set[str]) -> dict[str, ActivityFields]:
    root = parse_xml(data, "MS Project XML")
    strip_namespaces(root)
    texts: dict[str, str] = {}
    durations: dict[str, str] = {}
    for element in root.findall("ExtendedAttributes/ExtendedAttribute"):
        field_id = text(element, "FieldID") or ""
        key = _key(text(element, "Alias") or text(element, "FieldName") or "")
        if key in _TEXT_LABELS:
            texts[field_id] = _TEXT_LABELS[key]
        elif key in _DURATION_BY_LABEL:
            durations[field_id] = _DURATION_BY_LABEL[key]
    found: dict[str, ActivityFields] = {}
    for task in root.findall("Tasks/Task"):
        uid = text(task, "UID") or ""
        if uid not in activity_ids:
            continue
        fields = ActivityFields()
        for element in task.findall("ExtendedAttribute"):
            field_id, value = text(element, "FieldID") or "", (text(element, "Value") or "").strip()
            if field_id in texts and value:
                setattr(fields, texts[field_id], value)
            elif field_id in durations and value:
                minutes = _minutes(value)
                if minutes is not None:
                    setattr(fields, durations[field_id], minutes)
        if not fields.is_empty():
            found[uid] = fields
    return found
