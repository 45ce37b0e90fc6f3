"""Structured logs: one JSON object per line, for a log shipper (OPENPRECINCT_LOG_FORMAT=json)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else passed with ``extra=`` is written as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "request_id", ...}``; newlines stay escaped in JSON."""

    def format(self, record: logging.LogRecord) -> str:
        from openprecinct.core import context

        ctx = context.current()
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if ctx.request_id:
            payload["request_id"] = ctx.request_id
        if ctx.user_id is not None:
            payload["user_id"] = ctx.user_id
        if ctx.source != "system":
            payload["source"] = ctx.source
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "request":
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)
