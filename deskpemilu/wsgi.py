"""WSGI entry point for the app server (`deskpemilu serve` runs granian on it)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from deskpemilu.core.bodylimit import BodyLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskpemilu.settings")
# Every body is read the same way before Django sees it: a chunked one with its
# length, an over-size one answered 413 in the endpoint's kind (core/bodylimit.py).
application = BodyLimit(get_wsgi_application())

# Everything loaded so far (Django, the apps, their modules) lives as long as the
# process: move it out of the garbage collector's sight, so that the collections a
# busy request triggers (a batch of 1,000 messages makes tens of thousands of
# objects) do not walk it again each time. Measured: about a fifth of the Python
# time of an intake batch (docs/benchmarks.md).
gc.freeze()
