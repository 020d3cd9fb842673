"""Settings for the test run: the real settings, with fast hashing and no manifest."""

from deskpemilu.settings import *  # noqa: F403
from deskpemilu.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
