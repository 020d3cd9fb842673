"""Settings for the test run: the real settings, with fast hashing and no manifest."""

import os
import tempfile

# Keep the test run's secret key and files out of the developer's var/.
os.environ.setdefault(
    "DESKPEMILU_VAR_DIR", os.path.join(tempfile.gettempdir(), "deskpemilu-test")
)

from deskpemilu.settings import *  # noqa: E402, F403
from deskpemilu.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
