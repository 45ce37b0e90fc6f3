"""Directories where jobs take uploaded files and leave their output files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def output_dir() -> Path:
    """Where jobs leave files for download (reports); uploads for jobs wait in ``uploads/``."""
    path = Path(settings.DATA_DIR) / "job-output"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "job-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path
