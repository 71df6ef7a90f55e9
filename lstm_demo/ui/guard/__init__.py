"""The Space's front door: what a visitor may send is bounded before Gradio reads it.

Gradio keeps every raw input of a call in the session, and its upload route takes any number of
files of any kind per request, so what a visitor may send is memory and disk the server keeps.
`RequestGuard` is an ASGI middleware on Gradio's FastAPI app (installed through
`launch(app_kwargs={"middleware": ...})`, see layout.launch_kwargs). Each refusal is one sentence in
the request's language (Accept-Language), and each job is a module of its own:

- bodies: a body over `max_request_bytes` gets 413, from its Content-Length before a byte is read,
  or as soon as a streamed (chunked) body passes the limit, without keeping what came;
- calls: a call is JSON with a 'data' list (422 otherwise); the v2 call route is served by name;
- queue_share: each session's and address's share of Gradio's queue, and the trainings' room (429);
- uploads: one file per upload, a bounded rate per address, a bounded file cache;
- paths: no server path in what a visitor receives;
- deep_links: the Share button's saved states, bounded on disk and in time;
- addresses: who sent a request, believing X-Forwarded-For only from a trusted proxy;
- shield: every malformed call gets one sentence (installed on the demo, see layout.build_demo).

Anything that still escapes Gradio's routes is logged once per kind and answered with one sentence.
"""

from __future__ import annotations

import json
import re

from ...limits import Limits
from ...messages import say
from ..gradio_internals import blocks_of, concurrency_id, deep_link_folder, endpoint_parameters, function_of
from ..gradio_internals import upload_folder
from .addresses import client_address, trust_proxies, trusted_proxies
from .bodies import header, pass_bounded, read_body, refuse, replay, scope_language, too_large
from .calls import is_call, parsed, v2_data
from .deep_links import LinkJanitor, relative_link
from .paths import absolute_paths, file_route
from .queue_share import TRAINING, QueueShare, busy, trainings_full
from .shield import ErrorLog, cut, errors, shield
from .uploads import Uploads

UPLOAD, DEEP_LINK = "/gradio_api/upload", "/gradio_api/deep_link"
JOIN = re.compile(r"/gradio_api/(?:queue/join|(?P<run>run|api)/predict|call/(?P<v2>v2/)?(?P<api>[^/]+))$")


class RequestGuard:
    """ASGI middleware: see the package docstring."""

    def __init__(self, app, limits: Limits):
        self.app, self.limits = app, limits
        self.folder = upload_folder()
        self.uploads = Uploads(limits, self.folder)
        self.share = QueueShare(limits)
        self.links = LinkJanitor(limits, deep_link_folder())
        self.links.start()
        self._parameters: dict[str, list | None] = {}  # the v2 route's parameters by endpoint (fixed once built)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def sending(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._route(scope, receive, sending)
        except Exception as exc:  # what uvicorn would log with a full traceback per request
            errors.report(exc, f"{scope.get('method')} {scope.get('path')}")
            if not started:
                sentence = say("guard.server_error", scope_language(scope))
                await refuse(receive, send, 500, sentence, more_body=False)

    async def _route(self, scope, receive, send):
        path, post = scope["path"].rstrip("/"), scope["method"] == "POST"
        upload = post and path.endswith(UPLOAD)
        limit = self.uploads.limit if upload else self.limits.max_request_bytes
        declared = header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            return await refuse(receive, send, 413, too_large(limit, scope_language(scope)))
        if upload:
            return await self.uploads(self.app, scope, receive, send)
        join = JOIN.search(path) if post else None
        if join:
            return await self._join(scope, receive, send, join)
        if path.endswith(DEEP_LINK):
            await self.app(scope, receive, relative_link(send, self.folder))
            return self.links.saved()
        return await pass_bounded(self.app, file_route(scope, self.folder), receive, send, limit)

    async def _join(self, scope, receive, send, join: re.Match):
        """A call: read (bounded), checked for shape; a queue join is admitted within the visitor's share.
        (The /run route serves only the few events outside the queue, which do no real work.)"""
        language, limit = scope_language(scope), self.limits.max_request_bytes
        api_name, queued, v2 = join.group("api"), not join.group("run"), bool(join.group("v2"))

        async def refused(status: int, key: str, params: dict | None = None):
            await refuse(receive, send, status, say(key, language, **(params or {})), more_body=False)

        body, more = await read_body(receive, limit)
        if body is None:
            return await refuse(receive, send, 413, too_large(limit, language), more)
        call, refusal = parsed(body)
        blocks = blocks_of(scope)
        if refusal is None and v2:  # served as the /call route it stands for, by parameter name
            parameters = self._parameters_of(blocks, api_name)
            if parameters is None:
                return await refused(404, "guard.no_such_function")
            data, refusal = v2_data(call, parameters, f"/{api_name}")
            call, path = {"data": data}, scope["path"].replace("/call/v2/", "/call/", 1)
            scope = {**scope, "path": path, "raw_path": path.encode()}
        if refusal is None and not is_call(call):
            refusal = ("guard.not_a_call", {})
        if refusal is not None:
            return await refused(422, *refusal)
        if absolute_paths(call, self.folder) or v2:
            body = json.dumps(call).encode()
        fn = function_of(blocks, call.get("fn_index"), api_name)
        if fn is None:
            return await refused(404, "guard.no_such_function")
        session = call.get("session_hash") if api_name is None else None
        if api_name is None and queued and not (isinstance(session, str) and 0 < len(session) <= 100):
            return await refused(422, "guard.not_a_call")
        if not queued:
            return await self.app(scope, replay(body, receive), send)
        address, training = client_address(scope), concurrency_id(fn) == TRAINING
        sentence = self.share.refusal(blocks, session, address, training, language)
        if sentence is not None:
            return await refuse(receive, send, 429, sentence, more_body=False)
        keys = self.share.keys(session, address, training)
        self.share.hold(keys)
        try:
            await self.app(scope, replay(body, receive), send)
        finally:
            self.share.release(keys)

    def _parameters_of(self, blocks, api_name: str) -> list | None:
        """The endpoint's parameters, or None when it is no function of this app (not kept: any name may come)."""
        if api_name not in self._parameters:
            if function_of(blocks, None, api_name) is None:
                return None
            self._parameters[api_name] = endpoint_parameters(blocks, api_name)
        return self._parameters[api_name]


__all__ = [
    "ErrorLog",
    "QueueShare",
    "RequestGuard",
    "busy",
    "client_address",
    "cut",
    "errors",
    "shield",
    "trainings_full",
    "trust_proxies",
    "trusted_proxies",
]
