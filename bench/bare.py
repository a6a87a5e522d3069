"""The floor of the benchmarks: a bare Flask application, one route, no extensions, no hooks.

`gunicorn bench.bare:app` with the same settings as the real application shows what gunicorn and
Flask cost by themselves, so the provenance figures can be read against what Flask can do at all on
this machine at this moment, and not only against the application's own hello-world route.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/bench/hello")
def hello() -> str:
    return "ok"
