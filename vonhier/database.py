"""Declarative base, constraint naming and column helpers shared by every feature's models."""

import enum
import sqlite3

from sqlalchemy import CheckConstraint, Column, Enum, MetaData, String, Table, event, func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_type(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK of the allowed values on every database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda members: [m.value for m in members],
    )


@event.listens_for(Column, "after_parent_attach")
def _enforce_string_length(column: Column, table) -> None:
    """SQLite ignores VARCHAR(n); a CHECK makes the length limit hold on every database."""
    # Only the application's own tables: Alembic's copies (batch mode) already carry the CHECK.
    if not isinstance(table, Table) or table.metadata is not Base.metadata:
        return
    if isinstance(column.type, String) and not isinstance(column.type, Enum) and column.type.length:
        table.append_constraint(
            CheckConstraint(func.length(column) <= column.type.length, name=f"{column.name}_length")
        )


class AppendOnly:
    """Mixin for records that may be added but never changed or deleted through the application."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only_records(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AppendOnly):
            raise PermissionError(f"{type(obj).__name__} records are append-only")
    for obj in session.dirty:
        if isinstance(obj, AppendOnly) and session.is_modified(obj, include_collections=False):
            raise PermissionError(f"{type(obj).__name__} records are append-only")


@event.listens_for(Engine, "connect")
def _unicode_lower_on_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite's lower() only folds ASCII; searches for "Ölmühle" must match "ölmühle" as on PostgreSQL."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
        )
