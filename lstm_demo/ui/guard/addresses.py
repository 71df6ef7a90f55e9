"""Who sent a request: an address a client cannot choose.

The per-address bounds (uploads a minute, places in the queue) hold only if a client cannot name
its own address. X-Forwarded-For is believed only from a proxy this server is told to trust:
- on a Space (SYSTEM=spaces), the Space's own proxy, which appends the address it saw as the last
  entry of X-Forwarded-For;
- elsewhere, the proxies LSTM_DEMO_TRUSTED_PROXIES names (IP addresses or networks, separated by
  commas), and none when it is unset. uvicorn, which rewrites a request's client from that header,
  is told the same explicitly (its own default believes any client on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import os

from ...errors import LimitsError
from ..gradio_internals import trust_forwarded_from

TRUSTED_PROXIES = "LSTM_DEMO_TRUSTED_PROXIES"


def on_a_space() -> bool:
    return os.environ.get("SYSTEM") == "spaces"


def client_address(scope) -> str:
    """On a Space, the last X-Forwarded-For entry (its proxy writes it); elsewhere the socket's peer,
    or the address a trusted proxy forwarded (uvicorn has put it there)."""
    if on_a_space():
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for" and value.strip():
                return value.decode("latin-1").split(",")[-1].strip()
    client = scope.get("client")
    return client[0] if client else "unknown"


def request_address(request) -> str | None:
    """The same rule for a handler's gr.Request (its headers and its client); None in-process."""
    if request is None or getattr(request, "client", None) is None:
        return None
    if on_a_space():
        forwarded = (request.headers or {}).get("x-forwarded-for", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.client.host


def trusted_proxies(environ: dict[str, str] | None = None) -> str:
    """LSTM_DEMO_TRUSTED_PROXIES, checked, as uvicorn reads it ("" for none); LimitsError if it names
    anything that is not an IP address or network."""
    value = (os.environ if environ is None else environ).get(TRUSTED_PROXIES, "")
    parts = [part.strip() for part in value.split(",") if part.strip()]
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            shown = part if len(part) <= 30 else part[:30] + "..."
            raise LimitsError(key="guard.proxies", params={"value": shown}) from None
    return ",".join(parts)


def trust_proxies(environ: dict[str, str] | None = None) -> str:
    """Set the server's trusted proxies from the setting (before launch); returns what was set."""
    proxies = trusted_proxies(environ)
    trust_forwarded_from(proxies)
    return proxies
