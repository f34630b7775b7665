"""``python -m local_db.make_migration "what changed"``: write a new alembic revision by
comparing the models with a temporary database migrated to the current head.

Afterwards set ``HEAD_REVISION`` in ``local_db/migrate.py`` to the new id (the
migration tests fail until it matches) and read the generated file before committing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from local_db.engine import create_sqlite_engine
from local_db.migrate import alembic_config, head_revision, upgrade


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print('usage: python -m local_db.make_migration "what changed"', file=sys.stderr)
        return 2
    next_id = f"{int(head_revision()) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "head.sqlite3"
        engine = create_sqlite_engine(database)
        upgrade(engine, database, Path(folder))
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=argv[0], autogenerate=True, rev_id=next_id)
        engine.dispose()
    print(f"written revision {next_id}; now set HEAD_REVISION = \"{next_id}\" in local_db/migrate.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
