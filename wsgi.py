"""Entry point for WSGI servers: `gunicorn wsgi:app`."""

import gc

from vonhier import create_app
from vonhier.geo import gazetteer

app = create_app()
# What the process keeps until it ends — modules, the gazetteer (built now, not on first use) —
# is frozen out of the garbage collector: a full collection no longer walks its ~370,000 objects,
# a pause of 130–180 ms that otherwise lands on one request in a few hundred (bench/README.md).
gazetteer.preload()
gc.freeze()
