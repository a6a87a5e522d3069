"""Entry point for WSGI servers: `gunicorn wsgi:app`."""

from vonhier import create_app

app = create_app()
