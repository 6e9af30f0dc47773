"""The app as served by `make app`: app.py behind a Host allow-list, warmed up while the first browser connects.

* DNS rebinding: a server on 127.0.0.1 can still be reached from a web page through a hostile name that
  resolves to 127.0.0.1; such requests carry the hostile name in their Host header. Every request,
  WebSocket and /_stcore/health included, whose Host is not in `server.allowedHosts`
  (`.streamlit/config.toml`: 127.0.0.1 and localhost; add the names you serve the app under, or pass
  `--server.allowedHosts`) is answered 400. Streamlit applies the same list to its WebSocket.
* Warm-up: when the server starts, a background thread opens the project and loads the served model into
  the app's caches (the imports alone take seconds), so the first page a user opens is quick. The server
  answers at once; a page that comes earlier waits for the same cache entry, never loads it twice.
"""

import logging
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

APP_DIR = str(Path(__file__).resolve().parent)
if APP_DIR not in sys.path:
    sys.path.insert(0, APP_DIR)

logger = logging.getLogger(__name__)
ALLOWED_HOSTS = list(st.config.get_option("server.allowedHosts")) or ["127.0.0.1", "localhost"]


def _warm_up() -> None:
    # The caches are used outside a page run here: Streamlit's "missing ScriptRunContext" notice is expected.
    notices = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = notices.level
    notices.setLevel(logging.ERROR)
    try:
        import app_common

        app_common.warm_up()
    except Exception:  # noqa: BLE001 - the first page says what is wrong
        logger.warning("warm-up did not complete", exc_info=True)
    finally:
        notices.setLevel(level)


@asynccontextmanager
async def _lifespan(app):
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    yield


app = st.App("app.py", lifespan=_lifespan,
             middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)])
