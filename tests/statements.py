"""Count the SQL statements that reach the database driver (the benchmarks use it too).

Counted at the driver, so that statements run on raw cursors count too: SQLite's trace callback, or
a psycopg cursor class that notes each statement. Transaction control (BEGIN, COMMIT, ROLLBACK) is no query.
"""

from contextlib import contextmanager

from sqlalchemy import event

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def statements(engine):
    """Yield the list of statements run on connections checked out of `engine` inside the block."""
    seen: list[str] = []

    def note(sql) -> None:
        text = str(sql).strip()
        if not text.upper().startswith(CONTROL):
            seen.append(text)

    def checkout(dbapi_connection, record, proxy):
        if hasattr(dbapi_connection, "set_trace_callback"):  # sqlite3
            dbapi_connection.set_trace_callback(note)
        else:  # psycopg
            record.info["cursor_factory"] = base = dbapi_connection.cursor_factory

            class Noting(base):
                def execute(self, query, params=None, **kwargs):
                    note(query)
                    return super().execute(query, params, **kwargs)

                def executemany(self, query, params_seq, **kwargs):
                    note(query)
                    return super().executemany(query, params_seq, **kwargs)

            dbapi_connection.cursor_factory = Noting

    def checkin(dbapi_connection, record):
        if dbapi_connection is None:
            return
        if hasattr(dbapi_connection, "set_trace_callback"):
            dbapi_connection.set_trace_callback(None)
        elif "cursor_factory" in record.info:
            dbapi_connection.cursor_factory = record.info.pop("cursor_factory")

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", checkout)
        event.remove(engine, "checkin", checkin)


def close_every_connection(engine) -> None:
    """What a PostgreSQL restart does to a pool: the server ends every other session of the database
    (the pool does not know, and does not ping before use: config.py)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    killer = create_engine(engine.url, poolclass=NullPool)  # not one of the pool's connections
    with killer.connect() as connection:
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    killer.dispose()
