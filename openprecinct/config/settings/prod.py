"""Production: HTTPS behind a reverse proxy, secrets from the environment, no debug.

Passes ``openprecinct check --deploy --fail-level WARNING`` with no messages.
"""

from openprecinct.config import env
from openprecinct.config.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", False)
if DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("OPENPRECINCT_DEBUG must be off in production settings.")
SECRET_KEY = env.secret_key(required=True, fallback_dir=DATA_DIR)  # noqa: F405
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set OPENPRECINCT_ALLOWED_HOSTS to the host names this server answers, "
        "comma-separated (for example precinct.example.org)."
    )
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]

SECURE_SSL_REDIRECT = env.get_bool("SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
