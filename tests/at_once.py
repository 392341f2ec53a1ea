"""Running a function in several threads released at the same moment (each with its own database connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def at_once(function: Callable[[], None], threads: int = 2) -> None:
    barrier = threading.Barrier(threads)

    def run() -> None:
        try:
            barrier.wait()
            function()
        finally:
            connections.close_all()

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
