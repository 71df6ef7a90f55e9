"""No server path in what a visitor receives.

Gradio's upload route answers the absolute path of each file it saved (/tmp/gradio/<64 hex>/name);
the guard answers it relative to the upload folder (<64 hex>/name), and turns such a relative path
back into the absolute one where a call or the file route names it, so that the page and
gradio_client work as before. Only paths of that exact shape are touched, and what they name must
lie inside the upload folder.
"""

from __future__ import annotations

import json
import os
import re

UPLOADED = re.compile(r"^[0-9a-f]{64}/[^/\\]+$")
FILE_ROUTE = "/gradio_api/file="


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
            stack.extend(inner for inner in item if isinstance(inner, (dict, list, tuple)))  # not a table's numbers


def file_route(scope, folder: str):
    """Gradio's file route (/gradio_api/file=<path>) for a relative upload path: the absolute path."""
    path = scope.get("path", "")
    at = path.find(FILE_ROUTE)
    if at < 0:
        return scope
    absolute = inside(folder, path[at + len(FILE_ROUTE) :])
    if absolute is None:
        return scope
    new_path = path[: at + len(FILE_ROUTE)] + absolute
    return {**scope, "path": new_path, "raw_path": new_path.encode()}
