"""The Celery application: ``celery -A openprecinct.config.celery worker`` (or ``openprecinct worker``).

Configuration comes from Django settings under the ``CELERY_`` prefix (see settings/base.py),
which read ``OPENPRECINCT_CELERY_*`` variables. Tasks are the platform's registered jobs
(``openprecinct.core.jobs``); the periodic schedule is ``CELERY_BEAT_SCHEDULE``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprecinct.config.settings.prod")

app = Celery("openprecinct")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["openprecinct.core.jobs"], related_name="celery_tasks")
