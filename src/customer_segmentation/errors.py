"""The errors a user can fix: each message says what is wrong, where, and what to do.

``kedro run`` (``cli.py``) and the app show these as a message, not a traceback.
"""

from __future__ import annotations


class CustomerDataError(ValueError):
    """Input that cannot be used as customer data; the message says what to do."""


class ConfigurationError(ValueError):
    """A parameter or configuration entry that cannot be used; the message names it and the fix."""


class MlflowStoreUnavailableError(RuntimeError):
    """The configured MLflow tracking store cannot be used."""


USER_ERRORS = (CustomerDataError, ConfigurationError, MlflowStoreUnavailableError)


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
