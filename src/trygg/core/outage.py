"""Outlasting a database outage in a long-running process (the task worker, the scheduler).

A process that is not serving requests keeps its database connection for as long as it runs, and Django does
not reconnect on its own: after the database restarted, every query on the old connection fails. What a
background process does on ``OperationalError`` or ``InterfaceError`` is therefore: close its connections, wait
(1 s, 2 s, 4 s … at most 30 s), try again, and say so once per outage rather than once per attempt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
FIRST_DELAY = 1.0  # seconds
LONGEST_DELAY = 30.0


def backoff(failures: int, first: float = FIRST_DELAY, longest: float = LONGEST_DELAY) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (1, 2, 4, … capped at ``longest``)."""
    return min(longest, first * 2 ** max(0, failures - 1))


def database_reachable() -> bool:
    """Whether a query on the default database works now (a fresh connection if the kept one is dead)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DATABASE_ERRORS:
        connections.close_all()
        return False


class Outage:
    """One process's view of the database being away: logs its start and end once, and times the retries."""

    def __init__(self, who: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self.who = who
        self.sleep = sleep
        self.failures = 0
        self.since: float | None = None

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> float:
        """Note a failure (the first one of an outage is logged), drop the connections; the seconds to wait."""
        connections.close_all()
        self.failures += 1
        if self.since is None:
            self.since = time.monotonic()
            log.warning("%s: the database is unreachable (%s); trying again with back-off", self.who, summary(error))
        return backoff(self.failures)

    def over(self) -> None:
        """The database answers again (logged once, with how long it was away)."""
        if self.since is not None:
            log.warning("%s: the database is reachable again after %.0f s", self.who, time.monotonic() - self.since)
        self.failures, self.since = 0, None

    def wait_until_reachable(self, error: BaseException) -> None:
        """Back off until a query works again (forever: a signal ends the process meanwhile)."""
        delay = self.failed(error)
        while True:
            self.sleep(delay)
            if database_reachable():
                break
            self.failures += 1
            delay = backoff(self.failures)
        self.over()


def summary(error: BaseException) -> str:
    """The first line of an error's message (psycopg's run to several), or its class."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
