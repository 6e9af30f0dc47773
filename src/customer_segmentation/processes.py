"""Whether a process still runs: the run lock and the leftovers of killed runs are judged by it."""

from __future__ import annotations

import os


def is_alive(pid: int) -> bool:
    """True while ``pid`` runs on this machine (someone else's process included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
