"""WSGI entry point for the app server (`deskpemilu serve` runs granian on it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskpemilu.settings")
application = get_wsgi_application()
