"""Entry point for WSGI servers: `gunicorn wsgi:app`."""

import gc

from vonhier import create_app

app = create_app()
# The loaded application (modules, translations, gazetteer: some 200,000 objects) lives as long as
# the process. Frozen, it is no longer walked by every full garbage collection: 6 ms instead of
# about 130 ms, a pause that would otherwise land on one request in a hundred (bench/README.md).
gc.freeze()
