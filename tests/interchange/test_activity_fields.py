"""Cost codes, responsibles and three-point durations written by the XER and MSPDI writers and
read back by `read_activity_fields` from the written bytes; other codes and fields ignored.

No Django: pure interchange tests.
"""

from __future__ import annotations

from pathlib import Path

from sitebook.interchange.activity_fields import ActivityFields, read_activity_fields
from sitebook.interchange.mspdi import read_mspdi
from sitebook.interchange.mspdi_writer import write_mspdi
from sitebook.interchange.xer import read_tables, read_xer
from sitebook.interchange.xer_writer import write_xer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schedules"
AIRPORT = FIXTURES / "p6-xer" / "airport-terminal.xer"
HS2 = FIXTURES / "p6-xer" / "hs2-sp10-cost-loaded.xer"
MSPDI = FIXTURES / "msproject-xml" / "mspdirelations.xml"


def _fields(ids: list[str]) -> dict[str, ActivityFields]:
    """Values on some activities: odd minutes (not whole hours), partial sets, none."""
    out: dict[str, ActivityFields] = {}
    for i, activity_id in enumerate(ids):
        if i % 4 == 3:
            continue  # no value at all
        out[activity_id] = ActivityFields(
            cost_code=f"CC-{i % 3}.{i % 5}" if i % 2 == 0 else "",
            responsible="site-manager" if i % 3 == 0 else ("李工" if i % 3 == 1 else ""),
            optimistic=7 * i + 1 if i % 5 else None,
            most_likely=11 * i + 25,
            pessimistic=13 * i + 59 if i % 5 else None,
        )
    return out


def test_xer_writes_activity_codes_and_number_udfs_and_reads_them_back() -> None:
    project = read_xer(AIRPORT.read_bytes())[0]
    ids = [a.id for a in project.activities]
    given = _fields(ids)
    data = write_xer([project], None, None, given)
    tables = read_tables(data)
    code_types = {r["actv_code_type"]: r for r in tables["ACTVTYPE"].rows}
    assert set(code_types) == {"Cost Code", "Responsible"}
    assert {r["actv_code_type_scope"] for r in code_types.values()} == {"AS_Project"}
    udfs = tables["UDFTYPE"].rows
    assert {(r["table_name"], r["logical_data_type"]) for r in udfs} == {
        ("TASK", "FT_FLOAT_2_DECIMALS")
    }
    assert sorted(r["udf_type_label"] for r in udfs) == [
        "Most Likely Duration (h)",
        "Optimistic Duration (h)",
        "Pessimistic Duration (h)",
    ]
    # 26 minutes are 0.43 h in the file, two decimals as P6's number type keeps them.
    assert all(len(r["udf_number"].split(".")[1]) == 2 for r in tables["UDFVALUE"].rows)
    written = read_xer(data)[0]
    back = read_activity_fields("xer", data, {a.id for a in written.activities})
    assert back is not None
    assert back == {k: v for k, v in given.items() if not v.is_empty()}


def test_mspdi_writes_custom_fields_and_reads_them_back() -> None:
    project = read_mspdi(MSPDI.read_bytes(), MSPDI.name)[0]
    ids = [a.id for a in project.activities]
    given = _fields(ids)
    data = write_mspdi(project, None, given)
    text = data.decode()
    assert text.index("<ExtendedAttributes>") < text.index("<Calendars>")
    for field_id, name in (("188743731", "Text1"), ("188743734", "Text2")):
        assert f"<FieldID>{field_id}</FieldID>\n      <FieldName>{name}</FieldName>" in text
    assert "<FieldName>Duration1</FieldName>" in text
    assert "<DurationFormat>7</DurationFormat>" in text
    written = read_mspdi(data, "out.xml")[0]
    back = read_activity_fields("mspdi", data, {a.id for a in written.activities})
    assert back is not None
    assert back == {k: v for k, v in given.items() if not v.is_empty()}


def test_other_codes_and_fields_are_ignored() -> None:
    # HS2 has project activity codes and text UDFs of its own: none is ours.
    tasks = {a.id for p in read_xer(HS2.read_bytes()) for a in p.activities}
    tables = read_tables(HS2.read_bytes())
    assert tables["TASKACTV"].rows and tables["UDFVALUE"].rows and tasks
    assert read_activity_fields("xer", HS2.read_bytes(), tasks) == {}
    source = read_mspdi(MSPDI.read_bytes(), MSPDI.name)[0]
    ids = {a.id for a in source.activities}
    assert read_activity_fields("mspdi", MSPDI.read_bytes(), ids) == {}
    assert read_activity_fields("pmxml", b"", set()) is None


def test_mspdi_reads_by_alias_whatever_the_field_and_skips_bad_values() -> None:
    data = b"""<?xml version="1.0"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <ExtendedAttributes>
    <ExtendedAttribute><FieldID>188743743</FieldID><FieldName>Text5</FieldName>
      <Alias>cost  code</Alias></ExtendedAttribute>
    <ExtendedAttribute><FieldID>188743731</FieldID><FieldName>Text1</FieldName>
      <Alias>Discipline</Alias></ExtendedAttribute>
    <ExtendedAttribute><FieldID>188743783</FieldID><FieldName>Duration1</FieldName>
      <Alias>Optimistic Duration (h)</Alias></ExtendedAttribute>
  </ExtendedAttributes>
  <Tasks>
    <Task><UID>1</UID>
      <ExtendedAttribute><FieldID>188743743</FieldID><Value>C-9</Value></ExtendedAttribute>
      <ExtendedAttribute><FieldID>188743731</FieldID><Value>Civil</Value></ExtendedAttribute>
      <ExtendedAttribute><FieldID>188743783</FieldID><Value>soon</Value></ExtendedAttribute>
    </Task>
    <Task><UID>2</UID>
      <ExtendedAttribute><FieldID>188743783</FieldID><Value>PT1H30M0S</Value>
        <DurationFormat>7</DurationFormat></ExtendedAttribute>
    </Task>
    <Task><UID>3</UID>
      <ExtendedAttribute><FieldID>188743743</FieldID><Value>C-1</Value></ExtendedAttribute>
    </Task>
  </Tasks>
</Project>"""
    assert read_activity_fields("mspdi", data, {"1", "2"}) == {
        "1": ActivityFields(cost_code="C-9"),
        "2": ActivityFields(optimistic=90),
    }
