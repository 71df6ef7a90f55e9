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
import functools
import json
import logging
import math
import os
import re
import threading
import time
import traceback
from pathlib import Path

from gradio.exceptions import ComponentProcessingError as ComponentError

from ..limits import Limits
from ..messages import say

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


NOT_A_CALL = "This request is not a call this server understands: send JSON with a 'data' list (and a session_hash)."
NO_SUCH_FUNCTION = "This server has no such function."
TOO_DEEP = "This request nests its values too deeply to be read."
# A lone surrogate ("\\ud800") parses as JSON but is no character: Gradio's answer that repeats it
# cannot be encoded, and the visitor's whole event stream broke.
NOT_TEXT = "Text in this request holds a lone surrogate (such as \\ud800), which is not a character."


def encodable(value: object) -> bool:
    """Whether every text in a parsed JSON value is valid Unicode (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


async def read_body(receive, limit: int) -> tuple[bytes | None, bool]:
    """(the whole request body, False), or (None, whether more is coming) once it passes `limit`
    bytes: what came is dropped."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        body = message.get("body", b"")
        more = message.get("more_body", False)
        size += len(body)
        if size > limit:
            return None, more
        chunks.append(body)
        if not more:
            return b"".join(chunks), False


def replay(body: bytes, receive):
    """A `receive` that hands Gradio a body already read, then the client's later messages."""
    replayed = False

    async def receive_again():
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive_again


# No server path in what a visitor receives. Gradio's upload route answers the absolute path of
# each file it saved (/tmp/gradio/<64 hex>/name); the guard answers it relative to the upload
# folder (<64 hex>/name), and turns such a relative path back into the absolute one where a call
# or the file route names it, so the page and gradio_client work as before. Only paths of that
# exact shape are touched, and what they name must lie inside the upload folder.
UPLOADED = re.compile(r"^[0-9a-f]{64}/[^/\\]+$")


def upload_folder(scope) -> str:
    folder = getattr(scope.get("app"), "uploaded_file_dir", None)
    if folder is None:
        from gradio.utils import get_upload_folder

        folder = get_upload_folder()
    return os.path.realpath(folder)


def inside(folder: str, relative: str) -> str | None:
    """The absolute path of an upload named relative to `folder`, or None when it is no such name."""
    if not UPLOADED.match(relative) or ".." in relative:
        return None
    path = os.path.realpath(os.path.join(folder, relative))
    return path if path.startswith(folder + os.sep) else None


def relative_paths(send, folder: str):
    """A `send` that answers the upload route's absolute paths relative to `folder`."""
    started: dict | None = None

    async def sending(message):
        nonlocal started
        if message["type"] == "http.response.start":
            started = message  # held until the body is known: its length changes
            return
        if message["type"] == "http.response.body" and started is not None:
            body = message.get("body", b"")
            try:
                paths = json.loads(body) if started["status"] == 200 else None
            except ValueError:
                paths = None
            if isinstance(paths, list) and all(isinstance(p, str) for p in paths):
                prefix = folder + os.sep
                body = json.dumps([p[len(prefix) :] if p.startswith(prefix) else p for p in paths]).encode()
                message = {**message, "body": body}
            headers = [(k, v) for k, v in started["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**started, "headers": headers})
            started = None
        await send(message)

    return sending


def absolute_paths(value: object, folder: str) -> bool:
    """Turn every file's relative upload path in a call (a dict's "path") back into the absolute one;
    whether any changed. Walked without recursion."""
    changed, stack = False, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            path = item.get("path")
            if isinstance(path, str) and (absolute := inside(folder, path)) is not None:
                item["path"], changed = absolute, True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return changed


def demo_upload_folder() -> str:
    from gradio.utils import get_upload_folder

    return get_upload_folder()


def relative_files(value: object, folder: str) -> None:
    """Files a function returns (a trained weights file) named relative to the upload folder, in their
    path and their URL: what the page receives names no server path. Walked without recursion."""
    prefix = folder + os.sep
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            path = item.get("path")
            if isinstance(path, str) and path.startswith(prefix) and UPLOADED.match(path[len(prefix) :]):
                item["path"] = path[len(prefix) :]
                if isinstance(item.get("url"), str):
                    item["url"] = item["url"].replace("file=" + path, "file=" + item["path"])
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def file_route(scope, folder: str):
    """Gradio's file route (/gradio_api/file=<path>) for a relative upload path: the absolute path."""
    path = scope.get("path", "")
    marker = "/gradio_api/file="
    at = path.find(marker)
    if at < 0:
        return scope
    absolute = inside(folder, path[at + len(marker) :])
    if absolute is None:
        return scope
    new_path = path[: at + len(marker)] + absolute
    return {**scope, "path": new_path, "raw_path": new_path.encode()}


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


def trim_cache(folder: Path, max_bytes: int, max_age: float | None = None) -> int:
    """Remove the files under `folder` older than `max_age` seconds (if given), then the oldest
    until what is left takes at most `max_bytes`; returns how many went. Folders left empty go too."""
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
    oldest = time.time() - max_age if max_age is not None else -math.inf
    for mtime, size, path in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes and mtime >= oldest:
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
        self.share = QueueShare(limits)
        self._links = LinkJanitor(limits)
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
        scope = file_route(scope, upload_folder(scope))
        join = JOIN.search(scope["path"].rstrip("/")) if scope["method"] == "POST" else None
        if join:
            return await self._join(scope, receive, send, limit, join.group("api"), queued=not join.group("run"))
        if scope["path"].rstrip("/").endswith("/gradio_api/deep_link"):
            await self.app(scope, receive, relative_link(send, upload_folder(scope), deep_link_folder(scope)))
            return self._links.saved(deep_link_folder(scope))
        return await self._bounded(scope, receive, send, limit)

    async def _join(self, scope, receive, send, limit: int, api_name: str | None, queued: bool = True):
        """A call: read (bounded), checked for shape; a queue join is admitted within the visitor's share.
        (The /run route serves only the few events outside the queue, which do no real work.)"""
        body, more = await read_body(receive, limit)
        if body is None:
            return await refuse(receive, send, 413, too_large(limit), more)
        try:
            call = json.loads(body)
        except RecursionError:
            return await refuse(receive, send, 422, TOO_DEEP, more_body=False)
        except ValueError:
            call = None
        if not isinstance(call, dict) or not isinstance(call.get("data"), list):
            return await refuse(receive, send, 422, NOT_A_CALL, more_body=False)
        if not encodable(call):
            return await refuse(receive, send, 422, NOT_TEXT, more_body=False)
        if absolute_paths(call, upload_folder(scope)):
            body = json.dumps(call).encode()
        blocks = scope["app"].get_blocks()
        fn = function_of(blocks, call.get("fn_index"), api_name)
        if fn is None:
            return await refuse(receive, send, 404, NO_SUCH_FUNCTION, more_body=False)
        session = call.get("session_hash") if api_name is None else None
        if api_name is None and queued and not (isinstance(session, str) and 0 < len(session) <= 100):
            return await refuse(receive, send, 422, NOT_A_CALL, more_body=False)
        if not queued:
            return await self.app(scope, replay(body, receive), send)
        address, training = client_address(scope), fn.concurrency_id == TRAINING
        sentence = self.share.refusal(blocks, session, address, training)
        if sentence is not None:
            return await refuse(receive, send, 429, sentence, more_body=False)
        keys = self.share.keys(session, address, training)
        self.share.hold(keys)
        try:
            await self.app(scope, replay(body, receive), send)
        finally:
            self.share.release(keys)

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

        await self.app(scope, replay(body, receive), relative_paths(send, upload_folder(scope)))
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


# ---------------------------------------------------------------------------------------------
# Each visitor's share of the queue.
#
# Gradio's queue has one size for every event (max_size), so one client re-submitting trainings
# from fresh sessions could hold every slot and every other visitor's /predict got "Queue is
# full". The guard counts, at each queue join, the jobs already waiting in Gradio's queue (and
# those it is admitting right now) for the same session, the same client address, and, for a
# training, all trainings; past a bound the join gets 429 and one sentence, and never reaches
# the queue. Trainings (the events whose concurrency id is "training") thus wait in a room of
# their own, smaller than the queue, and one address can hold only a few places in either.

TRAINING = "training"  # the concurrency id of train, race and lottery (retrain.py, explore.py)
JOIN = re.compile(r"/gradio_api/(?:queue/join|(?P<run>run|api)/predict|call/(?:v2/)?(?P<api>[^/]+))$")


def busy(limit: int) -> str:
    return f"You already have {limit} requests waiting; wait for one to finish, then try again."


def trainings_full(limit: int) -> str:
    return f"{limit} trainings are already waiting to run; try again in a minute."


class QueueShare:
    """The admission check on Gradio's queue join (see the section's comment)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._joining: collections.Counter = collections.Counter()  # keys admitted, not yet in Gradio's queue

    @staticmethod
    def _waiting(blocks):
        for event_queue in list(getattr(blocks._queue, "event_queue_per_concurrency_id", {}).values()):
            for event in list(event_queue.queue):
                request = getattr(event, "request", None)
                address = client_address(request.scope) if request is not None else "unknown"
                yield event.session_hash, address, event.fn.concurrency_id == TRAINING

    def refusal(self, blocks, session: str | None, address: str, training: bool) -> str | None:
        """The sentence that refuses this join, or None to admit it."""
        per_session = per_address = trainings = trainings_here = 0
        for s, a, t in self._waiting(blocks):
            per_session += s == session
            per_address += a == address
            trainings += t
            trainings_here += t and a == address
        per_session += self._joining[("session", session)]
        per_address += self._joining[("address", address)]
        trainings += self._joining[("training", None)]
        trainings_here += self._joining[("training", address)]
        limits = self.limits
        if session is not None and per_session >= limits.max_waiting_per_session:
            return busy(limits.max_waiting_per_session)
        if per_address >= limits.max_waiting_per_address:
            return busy(limits.max_waiting_per_address)
        if training and trainings_here >= limits.max_waiting_trainings_per_address:
            return busy(limits.max_waiting_trainings_per_address)
        if training and trainings >= limits.max_waiting_trainings:
            return trainings_full(limits.max_waiting_trainings)
        return None

    def keys(self, session: str | None, address: str, training: bool) -> list[tuple]:
        keys = [("session", session), ("address", address)]
        return keys + [("training", None), ("training", address)] if training else keys

    def hold(self, keys: list[tuple]) -> None:
        self._joining.update(keys)

    def release(self, keys: list[tuple]) -> None:
        self._joining.subtract(keys)
        for key in keys:
            if self._joining[key] <= 0:
                del self._joining[key]


def function_of(blocks, fn_index: object, api_name: str | None):
    """The event a join names (by index, or by api name on the /call route), or None."""
    fns = getattr(blocks, "fns", {})
    if api_name is not None:
        return next((fn for fn in fns.values() if fn.api_name == api_name), None)
    if isinstance(fn_index, int) and not isinstance(fn_index, bool):
        return fns.get(fn_index)
    return None


# ---------------------------------------------------------------------------------------------
# Deep links. Gradio's deep-link route (the Share button) writes each distinct state of a
# session to <upload folder>/deep_links/<hash>/state.json (~100 KB) and never removes it. The
# guard trims that folder after each save (oldest first, to max_deep_link_disk_bytes), and a
# thread of its own removes links older than deep_link_ttl_seconds, whether or not more come.

log = logging.getLogger("lstm_demo.space")


def deep_link_folder(scope) -> Path:
    folder = getattr(scope.get("app"), "uploaded_file_dir", None)
    if folder is None:
        from gradio.utils import get_upload_folder

        folder = get_upload_folder()
    return Path(folder) / "deep_links"


LINK_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what Gradio's deep-link route answers: a url-safe hash


def relative_link(send, upload: str, links: Path):
    """A `send` for the deep-link route: before the link goes out, the state it saved names its
    files relative to the upload folder (Gradio saves the session's absolute paths, which a link's
    recipient would read in the page's config). The file route takes the relative names."""

    async def sending(message):
        if message["type"] == "http.response.body":
            try:
                name = json.loads(message.get("body") or b'""')
            except ValueError:
                name = None
            if isinstance(name, str) and LINK_NAME.fullmatch(name):
                relative_state(links / name / "state.json", upload)
        await send(message)

    return sending


def relative_state(state: Path, upload: str) -> None:
    """Rewrite a saved deep-link state with its files named relative to `upload` (atomically)."""
    try:
        components = json.loads(state.read_bytes())
    except (OSError, ValueError):
        return
    relative_files(components, upload)
    temporary = state.with_suffix(".tmp")
    try:
        temporary.write_text(json.dumps(components))
        os.replace(temporary, state)
    except OSError as exc:
        log.warning("could not rewrite a deep link's state: %s", exc)


class LinkJanitor:
    """Bounds the deep-link files: by age (a sweep every tenth of their lifetime, at most ten
    minutes apart) and in total bytes (after every save)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.folder: Path | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def sweep(self) -> int:
        if self.folder is None or not self.folder.exists():
            return 0
        with self._lock:
            return trim_cache(self.folder, self.limits.max_deep_link_disk_bytes, self.limits.deep_link_ttl_seconds)

    def saved(self, folder: Path) -> None:
        """After a save: trim now (in a thread), and make sure the periodic sweep runs."""
        self.folder = folder
        threading.Thread(target=self.sweep, name="deep-link trim", daemon=True).start()
        if self._thread is None:
            self._thread = threading.Thread(target=self._every, name="deep-link janitor", daemon=True)
            self._thread.start()

    def _every(self) -> None:
        pause = min(600.0, max(1.0, self.limits.deep_link_ttl_seconds / 10))
        while True:
            time.sleep(pause)  # a janitor's period, not a wait for an event
            try:
                self.sweep()
            except Exception:  # the janitor must outlive a file that vanished under it
                log.warning("deep-link janitor: a sweep failed", exc_info=True)


# ---------------------------------------------------------------------------------------------
# Every malformed call gets one sentence. Gradio checks and converts a call's values (the count,
# file and table shapes, choices) before our function runs, and any error there that is not a
# gr.Error reached the visitor as {"error": null} with a traceback in the log per request.
# `shield(demo)` wraps the app's own process_api (the one place every queued call passes): an
# error that is not a gr.Error becomes one that names the value at fault; a gr.Error keeps its
# sentence with echoed values cut; a traceback is logged once per kind of error.

ECHO = 100  # characters of a visitor's value that a sentence or a log line repeats
QUOTED = re.compile(r"""(['"])((?:(?!\1).){%d})(?:(?!\1).)+\1""" % ECHO, re.DOTALL)
SENTENCE = 400  # the longest sentence a visitor is shown


def cut(text: str, quoted: bool = True) -> str:
    """`text` with every quoted value cut to ECHO characters, and the whole to SENTENCE."""
    if quoted:
        text = QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}…{m.group(1)}", text)
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be sent
    return text if len(text) <= SENTENCE else text[:SENTENCE] + "…"


NOT_A_CHOICE = re.compile(
    r"^Value: (?P<value>.*) \(type: <class '\w+'>\) is not in the list of choices: (?P<choices>\[.*\])$", re.DOTALL
)


def plain(message: str) -> str:
    """A gr.Error's message as a visitor reads it: Gradio's refusal of a choice in plain words, values cut."""
    found = NOT_A_CHOICE.match(message)
    if found:
        value = found.group("value")
        value = value if len(value) <= ECHO else value[:ECHO] + "…"
        return cut(f"{value} is not one of the choices here: {found.group('choices')}.", quoted=False)
    return cut(message)


class ErrorLog:
    """Logs a traceback once per kind of error (its type and the place it was raised); after that
    one line at the 10th, 100th, ... time. Messages are cut (`cut`)."""

    def __init__(self):
        self._seen: collections.Counter = collections.Counter()
        self._lock = threading.Lock()

    @staticmethod
    def kind(exc: BaseException) -> tuple[str, str]:
        frames = traceback.extract_tb(exc.__traceback__)
        place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        return type(exc).__name__, place

    def report(self, exc: BaseException, where: str) -> None:
        kind = self.kind(exc)
        with self._lock:
            self._seen[kind] += 1
            times = self._seen[kind]
        message = cut(str(exc))
        if times == 1:
            stack = "".join(traceback.format_tb(exc.__traceback__))
            log.error("%s in %s: %s\n%s(logged once per kind of error)", kind[0], where, message, stack)
        elif math.log10(times).is_integer():
            log.error("%s in %s at %s: %d times so far; the latest: %s", kind[0], where, kind[1], times, message)


errors = ErrorLog()


def where_of(block_fn) -> str:
    name = getattr(block_fn, "api_name", None) or getattr(block_fn, "name", None)
    return f"/{name}" if name else "this event"


def kind_of(block) -> str:
    """What a component takes, in a visitor's words."""
    names = {
        "file": "a file uploaded first (the dict the upload route answered)",
        "dataframe": "a table (headers and rows)",
        "json": "JSON",
        "number": "a number",
        "slider": "a number",
        "checkbox": "true or false",
        "checkboxgroup": "a list of choices",
        "radio": "one of its choices",
        "dropdown": "one of its choices",
        "textbox": "text",
        "api": "its value",
        "dataset": "the number of an example (0, 1, ...)",
    }
    return names.get(block.get_block_name(), "its kind of value")


def faulty_input(block_fn, inputs: list, exc: BaseException) -> int | None:
    """The index of the input a call's error comes from, if it can be told."""
    found = re.search(r"component at index (\d+)", str(exc)) if isinstance(exc, ComponentError) else None
    if found:
        return int(found.group(1))
    for i, block in enumerate(block_fn.inputs):
        model = getattr(block, "data_model", None)
        if getattr(block, "stateful", False) or model is None or i >= len(inputs) or inputs[i] is None:
            continue
        try:
            model.model_validate(inputs[i])
        except Exception:
            return i
    return None


def malformed(block_fn, inputs: object, exc: BaseException, language: str = "en") -> str:
    """The one sentence for a call Gradio could not turn into our function's arguments."""
    key, params = malformed_key(block_fn, inputs, exc)
    return say(key, language, **params)


def malformed_key(block_fn, inputs: object, exc: BaseException) -> tuple[str, dict]:
    """(catalogue key, its parameters) for `malformed`."""
    where = where_of(block_fn)
    wanted = [block for block in block_fn.inputs if not getattr(block, "stateful", False)]
    if not isinstance(inputs, list) or len(inputs) < len(block_fn.inputs):
        got = len(inputs) if isinstance(inputs, list) else 0
        count = len(block_fn.inputs)  # a call sends a place (null) for the page's own state too
        return ("call.count.one" if count == 1 else "call.count"), {"where": where, "count": count, "got": got}
    index = faulty_input(block_fn, inputs, exc)
    if index is not None:
        return "call.value", {"index": index + 1, "where": where, "kind": kind_of(block_fn.inputs[index])}
    return "call.values", {"where": where, "kinds": ", ".join(kind_of(block) for block in wanted)}


def shield(demo) -> None:
    """Wrap `demo.process_api` (see the section's comment). Errors inside our own functions are
    already sentences (common.friendly); what reaches here comes from Gradio's handling."""
    import gradio as gr

    from .common import browser_language

    def sentence_error(sentence: str) -> gr.Error:
        """The catalogue's sentence as what Gradio shows (no traceback: errors.report logged it)."""
        return gr.Error(sentence, print_exception=False)

    process_api = demo.process_api

    folder = os.path.realpath(demo_upload_folder())

    @functools.wraps(process_api)
    async def shielded(block_fn, inputs, *args, **kwargs):
        try:
            output = await process_api(block_fn, inputs, *args, **kwargs)
            relative_files(output.get("data") if isinstance(output, dict) else None, folder)
            return output
        except gr.Error as exc:  # ours (already one sentence) or Gradio's (a choice not in the list)
            exc.message, exc.print_exception = plain(str(exc.message)), False
            raise
        except Exception as exc:
            fn = demo.fns[block_fn] if isinstance(block_fn, int) else block_fn
            errors.report(exc, where_of(fn))
            request = kwargs.get("request", args[1] if len(args) > 1 else None)
            language = browser_language(request if isinstance(request, gr.Request) else None)
            raise sentence_error(malformed(fn, inputs, exc, language)) from None

    demo.process_api = shielded
