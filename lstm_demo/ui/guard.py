"""The Space's front door: request bodies and uploads bounded before Gradio reads them.

Gradio keeps every raw input of a call in the session, and its upload route takes any number of
files of any kind per request, so the size of what a visitor may send is memory and disk the
server keeps. `RequestGuard` is an ASGI middleware on Gradio's FastAPI app (installed through
`launch(app_kwargs={"middleware": ...})`, see layout.launch_kwargs) that:

- answers 413 to a body over `max_request_bytes`, from its Content-Length before reading a byte,
  or as soon as a streamed (chunked) body passes the limit, without keeping what came;
- on Gradio's upload route, takes one file per request of at most `max_upload_bytes` (plus the
  multipart framing), `max_uploads_per_minute` per client address (429 past it), and after each
  upload trims Gradio's file cache on disk to `max_upload_disk_bytes`, oldest files first.
"""

from __future__ import annotations

import asyncio
import collections
import os
import re
import threading
import time
from pathlib import Path

from ..limits import Limits

UPLOAD_FRAMING = 16 * 1024  # multipart headers and boundaries around one file
CLIENTS_KEPT = 10_000  # client addresses whose recent uploads are remembered (least recent go first)


class _TooLarge(Exception):
    pass


def too_large(limit: int) -> str:
    return f"The request is larger than this server accepts ({limit:,} bytes)."


DRAIN_BYTES = 64 * 2**20  # what is read (and dropped) of a refused body so that the client hears the refusal


async def refuse(receive, send, status: int, sentence: str, more_body: bool = True) -> None:
    """Answer `status` with one sentence. The rest of the body is read first and dropped, up to
    DRAIN_BYTES: a client still sending when the server closes gets a reset, not the sentence."""
    drained, close = 0, False
    while more_body:
        message = await receive()
        if message["type"] != "http.request":
            return  # the client has gone
        drained += len(message.get("body", b""))
        more_body = message.get("more_body", False)
        if drained > DRAIN_BYTES:
            close = True
            break
    body = sentence.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def client_address(scope) -> str:
    """Who sent a request: on a Space, the address its proxy saw (the last X-Forwarded-For entry,
    which the proxy itself writes); elsewhere the socket's peer."""
    if os.environ.get("SYSTEM") == "spaces":
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-for" and value.strip():
                return value.decode("latin-1").split(",")[-1].strip()
    client = scope.get("client")
    return client[0] if client else "unknown"


class UploadRate:
    """At most `per_minute` uploads per client address in any 60 s (a sliding window)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._times: collections.OrderedDict[str, collections.deque] = collections.OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._times.pop(client, None) or collections.deque()
            while times and now - times[0] >= 60.0:
                times.popleft()
            allowed = len(times) < self.per_minute
            if allowed:
                times.append(now)
            self._times[client] = times  # most recent last
            while len(self._times) > CLIENTS_KEPT:
                self._times.popitem(last=False)
            return allowed


def trim_cache(folder: Path, max_bytes: int) -> int:
    """Remove the oldest files under `folder` until what is left takes at most `max_bytes`;
    returns how many went. Folders left empty go too."""
    files = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    removed = 0
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
        try:
            path.parent.rmdir()  # Gradio keeps one file per hashed folder
        except OSError:
            pass
    return removed


class RequestGuard:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app, limits: Limits):
        self.app, self.limits = app, limits
        self.rate = UploadRate(limits.max_uploads_per_minute)
        self._trimming: asyncio.Future | None = None
        self._dirty = False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = scope["path"].rstrip("/").endswith("/gradio_api/upload") and scope["method"] == "POST"
        limit = self.limits.max_upload_bytes + UPLOAD_FRAMING if upload else self.limits.max_request_bytes
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            return await refuse(receive, send, 413, too_large(limit))
        if upload:
            return await self._upload(scope, receive, send, limit)
        return await self._bounded(scope, receive, send, limit)

    async def _bounded(self, scope, receive, send, limit: int):
        """Pass the request on, counting its body as Gradio reads it; past `limit`, 413."""
        received, over, started, more_body = 0, False, False, True

        async def counted():
            nonlocal received, over, more_body
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                more_body = message.get("more_body", False)
                if received > limit:
                    over = True
                    raise _TooLarge  # the body read so far is dropped with the exception
            return message

        async def sent(message):
            nonlocal started
            if over:
                return  # whatever Gradio answers to the interrupted read, the visitor gets the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sent)
        except Exception:
            if not over:
                raise
        if over and not started:
            await refuse(receive, send, 413, too_large(limit), more_body)

    async def _upload(self, scope, receive, send, limit: int):
        """One file, a bounded size, a bounded rate; the cache trimmed after it."""
        if not self.rate.allow(client_address(scope)):
            return await refuse(receive, send, 429, "Too many uploads from your address; try again in a minute.")
        chunks, size = [], 0  # at most `limit` bytes: read whole, so that the files can be counted
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await refuse(receive, send, 413, too_large(limit), message.get("more_body", False))
            chunks.append(body)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        content_type = next((v for k, v in scope.get("headers", ()) if k == b"content-type"), b"")
        boundary = re.search(rb'boundary="?([^";,\s]+)', content_type)
        if boundary and body.count(b"--" + boundary.group(1)) - 1 > 1:  # the closing delimiter counts once
            return await refuse(receive, send, 413, "Send one file per upload.", more_body=False)

        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
        self._trim(scope)

    def _trim(self, scope) -> None:
        """Trim Gradio's file cache in a thread, one trim at a time; an upload that lands while one
        runs asks for another round, so the last upload is always counted."""
        self._dirty = True
        if self._trimming is not None and not self._trimming.done():
            return
        folder = getattr(scope.get("app"), "uploaded_file_dir", None)
        if folder is None:
            from gradio.utils import get_upload_folder

            folder = get_upload_folder()

        async def rounds():
            while self._dirty:
                self._dirty = False
                await asyncio.to_thread(trim_cache, Path(folder), self.limits.max_upload_disk_bytes)

        self._trimming = asyncio.ensure_future(rounds())
