"""The database itself refuses to change a posted ledger entry.

The model refuses save() of an existing row and delete(), and its QuerySet refuses update()
and delete(); these triggers stop raw SQL too. PostgreSQL refuses UPDATE and DELETE (a test
database is emptied with TRUNCATE, which row triggers do not see). SQLite refuses UPDATE
only: Django empties SQLite tables with DELETE between transactional tests.
"""

from typing import Any

from django.db import migrations

MESSAGE = "funds_ledgerentry is append-only: post a reversing entry instead"

PG_FORWARD = [
    f"""
CREATE FUNCTION funds_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql
""",
    "CREATE TRIGGER funds_ledger_no_update BEFORE UPDATE OR DELETE ON funds_ledgerentry"
    " FOR EACH ROW EXECUTE FUNCTION funds_ledger_immutable()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS funds_ledger_no_update ON funds_ledgerentry",
    "DROP FUNCTION IF EXISTS funds_ledger_immutable()",
]
SQLITE_FORWARD = [
    f"""
CREATE TRIGGER funds_ledger_no_update BEFORE UPDATE ON funds_ledgerentry
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END
"""
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS funds_ledger_no_update"]


def _run(sql: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in sql.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
