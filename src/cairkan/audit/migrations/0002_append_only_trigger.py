"""On PostgreSQL the database itself refuses to change or remove an audit entry.

A BEFORE UPDATE OR DELETE trigger raises for every row, whoever connects through the
service's role; another refuses to delete the chain head. It does not stop a database superuser or the table's owner, who can
disable the trigger (docs/audit.md: what the chain still shows then). TRUNCATE is not
refused: Django's test flush uses it. SQLite has no such guard (its flush deletes rows).
"""

from typing import Any

from django.db import migrations

CREATE = [
    """CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()""",
    # The head moves with every entry but is never removed (that would hide a cut tail).
    """CREATE TRIGGER audit_chain_head_kept
    BEFORE DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()""",
]
DROP = [
    "DROP TRIGGER IF EXISTS audit_chain_head_kept ON audit_auditchainhead",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change()",
]


def _on_postgresql(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
