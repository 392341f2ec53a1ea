"""Logging filters: a refused request is one line in the log, not a stack trace."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Django logs a 403 (``PermissionDenied``) with its traceback, as if it were a fault. A refusal is Trygg
    working as intended — and screening refusals are in the audit log already — so keep the line, drop the
    traceback. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (400, 403, 404, 405) and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
