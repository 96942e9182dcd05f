"""Rebuild migrations/versions/0001_initial_schema.py from the models.

Only for use before the first release: once a database exists anywhere, schema changes get
a new migration instead (``flask --app wsgi db migrate -m "..."``). Alembic does not render
sequences or seed rows, so the change-tick sequence and the sync_clock row are added here.
"""

import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "migrations" / "versions"

for old in VERSIONS.glob("*.py"):
    old.unlink()
env = dict(os.environ, FIELDBOOK_INSTANCE=tempfile.mkdtemp(), DATABASE_URL=f"sqlite:///{tempfile.mkdtemp()}/m.db")
flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]
subprocess.run([*flask, "migrate", "-m", "initial schema", "--rev-id", "0001"], cwd=ROOT, env=env, check=True)
path = next(VERSIONS.glob("0001_*.py"))
text = path.read_text()
text = text.replace(
    "    op.create_table('sync_clock',",
    "    # Change ticks: a sequence on PostgreSQL, the one-row sync_clock table on SQLite.\n"
    "    if op.get_bind().dialect.name == \"postgresql\":\n"
    "        op.execute(sa.schema.CreateSequence(sa.Sequence(\"change_tick_seq\")))\n"
    "    sync_clock = op.create_table('sync_clock',",
)
text = text.replace(
    "    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_clock'))\n    )\n",
    "    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_clock'))\n    )\n"
    "    op.bulk_insert(sync_clock, [{\"id\": 1, \"value\": 0}])\n",
    1,
)
end = text.rfind("    # ### end Alembic commands ###")
text = (text[:end] + "    if op.get_bind().dialect.name == \"postgresql\":\n"
        "        op.execute(sa.schema.DropSequence(sa.Sequence(\"change_tick_seq\")))\n" + text[end:])
path.write_text(text)
print(f"wrote {path.relative_to(ROOT)}")
