"""The app as served by `make app`: app.py behind a Host allow-list (`streamlit run streamlit_app/serve.py`).

A server on 127.0.0.1 can still be reached from a web page through DNS rebinding (a hostile name that
resolves to 127.0.0.1): such requests carry the hostile name in their Host header. Every request,
WebSocket and /_stcore/health included, whose Host is not in `server.allowedHosts`
(`.streamlit/config.toml`: 127.0.0.1 and localhost; add the names you serve the app under, or pass
`--server.allowedHosts`) is answered 400. Streamlit applies the same list to its WebSocket.
"""

import streamlit as st
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

ALLOWED_HOSTS = list(st.config.get_option("server.allowedHosts")) or ["127.0.0.1", "localhost"]

app = st.App("app.py", middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)])
