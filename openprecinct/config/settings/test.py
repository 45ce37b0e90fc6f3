"""Settings for the test suite: fast hashing, same security rules as production otherwise."""

from openprecinct.config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test speed only
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PUBLIC_PAGE_CACHE_SECONDS = 0  # tests see every change at once; the cache has its own tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, as in production (WAL, busy timeout), not Django's shared in-memory database:
    # the live server behind the browser tests serves requests on several threads, and the
    # in-memory database's table locks make concurrent requests fail where a real one waits.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-openprecinct.sqlite3")}  # noqa: F405
else:
    # Several checkouts (or people) can test against one PostgreSQL server at once.
    import os

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("OPENPRECINCT_TEST_DB_NAME", "test_openprecinct")
    }
