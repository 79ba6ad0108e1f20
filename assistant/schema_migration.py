"""Columns added to a table after databases were created: added in place, existing rows kept.

``metadata.create_all`` creates missing tables but never alters an existing one, so a database written
by an older version would fail on the first insert naming a new column. Every new column has a server
default (or is nullable), so ``ALTER TABLE … ADD COLUMN`` fills the old rows with it. Several servers
may start at once against one database: a column another process added meanwhile is not an error.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateColumn

log = logging.getLogger(__name__)


def add_missing_columns(engine: Engine, metadata: sa.MetaData) -> list[str]:
    """Add the columns of ``metadata``'s tables that the database lacks; returns ``table.column`` added."""
    added: list[str] = []
    for table in metadata.sorted_tables:
        for column in _missing(engine, table):
            if _add(engine, table, column):
                added.append(f"{table.name}.{column.name}")
    if added:
        log.info("database columns added: %s", ", ".join(added))
    return added


def _missing(engine: Engine, table: sa.Table) -> list[sa.Column[object]]:
    inspector = sa.inspect(engine)
    if not inspector.has_table(table.name):
        return []
    present = {c["name"] for c in inspector.get_columns(table.name)}
    return [c for c in table.columns if c.name not in present]


def _add(engine: Engine, table: sa.Table, column: sa.Column[object]) -> bool:
    ddl = CreateColumn(column).compile(dialect=engine.dialect)
    try:
        with engine.begin() as db:
            db.exec_driver_sql(f"ALTER TABLE {engine.dialect.identifier_preparer.format_table(table)} ADD COLUMN {ddl}")
    except DBAPIError:
        # Another server added it first (the same column, from the same code): check rather than guess.
        if any(c.name == column.name for c in _missing(engine, table)):
            raise
        return False
    return True
