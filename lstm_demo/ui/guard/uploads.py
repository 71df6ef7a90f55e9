"""Gradio's upload route: one file per request, a bounded size and rate, a bounded cache.

Each request takes at most `max_upload_bytes` (plus the multipart framing) and one file, counted
by the parser Gradio's route itself uses (python_multipart: the same boundary, the same parts,
whatever the spelling of the header); a body it cannot read is refused. One client address may
upload `max_uploads_per_minute` times in any 60 s (429 past it). After each upload, Gradio's file
cache is trimmed to `max_upload_disk_bytes` of disk and `max_upload_files` files, oldest first.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header

from ...limits import Limits
from ...messages import say
from .addresses import client_address
from .bodies import header, read_body, refuse, replay, scope_language, too_large
from .disk import trim_cache
from .paths import relative_paths

UPLOAD_FRAMING = 16 * 1024  # multipart headers and boundaries around one file
CLIENTS_KEPT = 10_000  # client addresses whose recent uploads are remembered (least recent go first)


def files_in(content_type: bytes | None, body: bytes) -> int | None:
    """How many files Gradio's upload route would store from `body` (every part with a filename, as
    gradio.route_utils.GradioMultiPartParser reads it), or None when it cannot be read as multipart."""
    kind, options = parse_options_header(content_type or b"")
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        return None
    count, name, value, disposition = 0, b"", b"", b""

    def on_part_begin():
        nonlocal disposition
        disposition = b""

    def on_header_field(data, start, end):
        nonlocal name
        name += data[start:end]

    def on_header_value(data, start, end):
        nonlocal value
        value += data[start:end]

    def on_header_end():
        nonlocal name, value, disposition
        if name.lower() == b"content-disposition":
            disposition = value  # the last one counts, as in Gradio's parser
        name = value = b""

    def on_headers_finished():
        nonlocal count
        count += b"filename" in parse_options_header(disposition)[1]

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
    }
    try:
        parser = MultipartParser(options[b"boundary"], callbacks)
        parser.write(body)
        parser.finalize()
    except Exception:  # python_multipart's parse errors, and anything a malformed header makes it raise
        return None
    return count


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


class Uploads:
    """The upload route's gate (see the module docstring)."""

    def __init__(self, limits: Limits, folder: str):
        self.limits, self.folder = limits, folder
        self.limit = limits.max_upload_bytes + UPLOAD_FRAMING
        self.rate = UploadRate(limits.max_uploads_per_minute)
        self._trimming: asyncio.Future | None = None
        self._dirty = False

    async def __call__(self, app, scope, receive, send) -> None:
        language = scope_language(scope)
        if not self.rate.allow(client_address(scope)):
            return await refuse(receive, send, 429, say("guard.too_many_uploads", language))
        body, more = await read_body(receive, self.limit)  # read whole, so that the files can be counted
        if body is None:
            return await refuse(receive, send, 413, too_large(self.limit, language), more)
        files = files_in(header(scope, b"content-type"), body)
        if files is None:
            return await refuse(receive, send, 400, say("guard.not_multipart", language), more_body=False)
        if files > 1:
            return await refuse(receive, send, 413, say("guard.one_file", language), more_body=False)
        await app(scope, replay(body, receive), relative_paths(send, self.folder))
        self.trim()

    def trim(self) -> None:
        """Trim Gradio's file cache in a thread, one trim at a time; an upload that lands while one
        runs asks for another round, so the last upload is always counted."""
        self._dirty = True
        if self._trimming is not None and not self._trimming.done():
            return
        limits = self.limits

        async def rounds():
            while self._dirty:
                self._dirty = False
                await asyncio.to_thread(
                    trim_cache, Path(self.folder), limits.max_upload_disk_bytes, limits.max_upload_files
                )

        self._trimming = asyncio.ensure_future(rounds())
