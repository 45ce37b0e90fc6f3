"""Local development and the embedded demo (``make run``): plain HTTP on 127.0.0.1."""

from openprecinct.config.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", True)  # noqa: F405
# Served over plain HTTP on the loopback interface, so cookies cannot carry the Secure flag or
# the __Host- prefix here; production sets both.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
