"""WSGI entry point for ``roshan serve`` (waitress) or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roshan.archive.settings")
application = get_wsgi_application()
