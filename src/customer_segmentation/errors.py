"""The errors a user can fix: each message says what is wrong, where, and what to do.

``kedro run`` (``cli.py``) and the app show these as a message, not a traceback.
"""

from __future__ import annotations

import errno
import os


class CustomerDataError(ValueError):
    """Input that cannot be used as customer data; the message says what to do."""


class ConfigurationError(ValueError):
    """A parameter or configuration entry that cannot be used; the message names it and the fix."""


class MlflowStoreUnavailableError(RuntimeError):
    """The configured MLflow tracking store cannot be used."""


class OutputWriteError(RuntimeError):
    """An output could not be written (no space, no permission); the previous file is unchanged."""


class RunInProgressError(RuntimeError):
    """Another run of the same project is under way."""


_WRITE_FIXES = {
    errno.ENOSPC: "free some disk space (or point the catalog entry at another disk) and run again",
    errno.EDQUOT: "free some of your disk quota and run again",
    errno.EROFS: "the folder is on a read-only file system: point the catalog entry at a writable folder",
    errno.EACCES: "make the folder writable for this user, or point the catalog entry elsewhere",
    errno.EPERM: "make the folder writable for this user, or point the catalog entry elsewhere",
}


def write_error(error: BaseException, target: object) -> OutputWriteError | None:
    """An :class:`OutputWriteError` naming ``target`` and the fix, when ``error`` comes from a full disk or a
    missing permission; None for other errors."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno in _WRITE_FIXES:
            return OutputWriteError(f"could not write {target}: {os.strerror(cause.errno)}; "
                                    f"{_WRITE_FIXES[cause.errno]}. The previous file, if any, is unchanged")
        cause = cause.__cause__ or cause.__context__
    return None


USER_ERRORS = (CustomerDataError, ConfigurationError, MlflowStoreUnavailableError, OutputWriteError,
               RunInProgressError)


def user_error(error: BaseException) -> BaseException | None:
    """The first error in ``error``'s chain that a user can fix, or None."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, USER_ERRORS):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None
