"""Declarative base, constraint naming and column helpers shared by every feature's models."""

import enum
import sqlite3
import unicodedata
from functools import lru_cache

from sqlalchemy import (
    CheckConstraint,
    Column,
    Enum,
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    event,
    func,
    inspect,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.functions import FunctionElement

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
    """Mixin for records that may be added but never changed or deleted through the application.
    `mutable` names the columns of a record's later annotations (a certifier's check of a document),
    which may change; everything else a record says stays as it was added."""

    mutable: frozenset[str] = frozenset()


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_append_only_records(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AppendOnly):
            raise PermissionError(f"{type(obj).__name__} records are append-only")
    for obj in session.dirty:
        if isinstance(obj, AppendOnly) and _changed_columns(obj) - obj.mutable:
            raise PermissionError(f"{type(obj).__name__} records are append-only")


def _changed_columns(obj) -> set[str]:
    state = inspect(obj)
    return {c.key for c in state.mapper.column_attrs if state.attrs[c.key].history.has_changes()}


class Conflict(Exception):
    """Another request got there first (HTTP 409, nothing changed); str() is a translated message.

    `existing`, if given, is called after the rollback and returns the address of what the other
    request made: a double click then lands where the first click led (`errors.py` redirects)."""

    def __init__(self, message, existing=None):
        super().__init__(message)
        self.existing = existing


def unique_constraint(model, *columns: str) -> UniqueConstraint:
    """A model's unique constraint over exactly these columns (to name in `flush_or_conflict`)."""
    return next(
        c
        for c in model.__table__.constraints
        if isinstance(c, UniqueConstraint) and [column.name for column in c.columns] == list(columns)
    )


def violates(error: IntegrityError, index: Index | UniqueConstraint) -> bool:
    """Is this the violation of `index`? PostgreSQL names the index; SQLite names its columns."""
    if (diag := getattr(error.orig, "diag", None)) is not None:
        return diag.constraint_name == index.name
    columns = ", ".join(f"{index.table.name}.{column.name}" for column in index.columns)
    return str(error.orig) == f"UNIQUE constraint failed: {columns}"


def flush_or_conflict(
    session: Session, conflicts: dict[Index | UniqueConstraint, str], existing=None
) -> None:
    """Flush; the violation of one of these unique indexes becomes a `Conflict` with its message.

    The database decides who was first, whatever the friendly checks before saw. No SAVEPOINT: the
    loser's whole transaction is void (rolled back by the 409 handler), and pysqlite would commit a
    SAVEPOINT that opened the transaction when it is released."""
    try:
        session.flush()
    except IntegrityError as error:
        # Kept lazy: translating may read the session, which is unusable until the rollback.
        message = next((m for index, m in conflicts.items() if violates(error, index)), None)
        if message is None:
            raise
        raise Conflict(message, existing) from error


# PostgreSQL's ICU collation puts spaces, punctuation and symbols before digits and letters, in this
# order (read off "de-x-icu"); each becomes a pair of code points below "0", so that plain comparison
# of the keys agrees. Letters that Unicode does not decompose sort with their base letter.
_MARKS = " _-–—,;:!?.…·'‘’‚‹›\"“”„«»()[]{}§¶@*/\\&#%•`´˜^¯¨¸°©®+±÷×<=>¬|¦~¤¢$£¥€"
_PRIMARY = str.maketrans(
    {mark: f"\x01{chr(0x21 + i)}" for i, mark in enumerate(_MARKS)}
    | {"ß": "ss", "ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th"}
)


def upsert(connection, model):
    """An INSERT of the connection's dialect, which has `on_conflict_do_update`: the two databases spell
    an upsert alike, but SQLAlchemy builds it from each dialect's own insert."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def german_key(text: str) -> str:
    """A string whose plain order is German dictionary order (DIN 5007-1), the order of PostgreSQL's
    ICU collation "de-x-icu": base letters first (Ä with A, ß as ss, Ł with L; spaces and marks before
    digits before letters), then accents, then lower case before upper case. For sorting in Python
    and, through `german()`, in SQLite."""
    if text.isascii():  # most names: nothing to decompose, no case that changes length
        lower = text.lower()
        return f"{lower.translate(_PRIMARY)}\x00{lower}\x00{text.swapcase()}"
    lower = unicodedata.normalize("NFD", text.lower())
    primary = "".join(ch for ch in lower.translate(_PRIMARY) if not unicodedata.combining(ch))
    cases = "".join(ch.swapcase() if len(ch.swapcase()) == 1 else ch for ch in text)
    return f"{primary}\x00{lower}\x00{cases}"


class german(FunctionElement):
    """`ORDER BY german(column)`: names in German dictionary order on either database, where a plain
    ORDER BY puts "Äpfel" after "Zwiebeln" (SQLite, PostgreSQL with the C collation). A collation, so
    that a name that only breaks ties of an earlier sort key (the supplier search's distance) costs
    a comparison only on those ties."""

    type = String()
    inherit_cache = True


@compiles(german)
def _german_in_sqlite(element, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)}) COLLATE german"


@compiles(german, "postgresql")
def _german_in_postgresql(element, compiler, **kw) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "de-x-icu"'


# `german_key`, remembered: names repeat (in SQLite's collation a name is compared many times: the
# product catalogue's top-N sort compares a few thousand names, few of them new).
cached_german_key = lru_cache(maxsize=65536)(german_key)


def _compare_german(a: str, b: str) -> int:
    key_a, key_b = cached_german_key(a), cached_german_key(b)
    return (key_a > key_b) - (key_a < key_b)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite's lower() only folds ASCII; searches for "Ölmühle" must match "ölmühle" as on PostgreSQL.
    German order comes from `german_key`. Its default page cache (2 MB) is small for a region's
    search index: 64 MB, and reads through mmap."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
        )
        dbapi_connection.create_collation("german", _compare_german)
        dbapi_connection.execute("PRAGMA cache_size = -65536")
        dbapi_connection.execute("PRAGMA mmap_size = 268435456")


@event.listens_for(Engine, "connect")
def _configure_postgresql(dbapi_connection, connection_record) -> None:
    """No JIT compilation: PostgreSQL compiles every statement whose estimated cost passes 100,000,
    and for the searches' statements (an estimate, not the work: a few milliseconds) compiling took
    70–140 ms, more than the statement itself (bench/search.py).
    No parallel workers either: a request is one statement after another, and starting workers for
    a search of a few thousand rows cost more than they saved (the catalogue's "Käse" in 100,000
    products, p95 35 → 27 ms); the other requests need the cores more."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        dbapi_connection.commit()


def plan_with_values(session: Session) -> None:
    """For the searches: PostgreSQL plans the rest of this transaction's statements for their own
    values. psycopg prepares a statement run five times, and PostgreSQL then plans it once for any
    values (a generic plan), blind to a search's words and radius: the catalogue's text search took
    34 ms instead of 25 (p50) on such plans. Not for every statement: planning each one cost the QR
    scan a tenth of its throughput (bench/provenance.py)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
