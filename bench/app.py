"""WSGI entry for the benchmarks: the real application plus a route that does nothing (the baseline).

`gunicorn bench.app:app` serves every route of `wsgi:app` and `/bench/hello`, which answers "ok"
without touching the database, so its figures are the cost of gunicorn, Flask and the app's own
request hooks. The product code has no such route; it exists only in this benchmark entry point.
"""

from wsgi import app


def hello() -> str:
    return "ok"


app.add_url_rule("/bench/hello", "bench_hello", hello)
