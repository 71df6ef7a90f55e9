"""The page's own scripts and styles, served once as files (not pasted into the page's configuration).

An ASGI middleware answers GET /lstm-static/<name> for the files of this folder's `static/` and the
drawing's script (lstm_demo/diagram.js): their bytes are read once, and each URL carries a hash of its
file, so a browser keeps it as long as it likes (immutable) and a new release is a new URL. Anything
else goes on to Gradio. `head()` is what a page's <head> (or a gr.HTML's `head`) includes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

PREFIX = "/lstm-static/"
FOLDER = Path(__file__).with_name("static")
FILES = {
    "diagram.js": Path(__file__).parent.parent / "diagram.js",
    "diagram.css": Path(__file__).parent.parent / "diagram.css",
    **{path.name: path for path in sorted(FOLDER.glob("*")) if path.suffix in (".js", ".css")},
}
TYPES = {".js": b"text/javascript; charset=utf-8", ".css": b"text/css; charset=utf-8"}


def _version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def url(name: str) -> str:
    """The file's URL, relative to the page (so that a Space's path prefix is kept), with its version."""
    return f"{PREFIX.lstrip('/')}{name}?v={_version(FILES[name])}"


def scripts(*names: str) -> str:
    """<script> and <link> tags for these files, in order (scripts deferred: they run in order)."""
    tags = []
    for name in names:
        if name.endswith(".css"):
            tags.append(f'<link rel="stylesheet" href="{url(name)}">')
        else:
            tags.append(f'<script src="{url(name)}"></script>')
    return "".join(tags)


class StaticFiles:
    """ASGI middleware: GET/HEAD /lstm-static/<name> for FILES; everything else passes through."""

    def __init__(self, app):
        self.app = app
        self.bodies = {name: path.read_bytes() for name, path in FILES.items()}

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        at = path.find(PREFIX)
        if at < 0 or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        name = path[at + len(PREFIX) :]
        body = self.bodies.get(name)
        if body is None:
            status, body, kind = 404, b"No such file.", b"text/plain; charset=utf-8"
        else:
            status, kind = 200, TYPES[Path(name).suffix]
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"public, max-age=31536000, immutable" if status == 200 else b"no-store"),
            (b"x-content-type-options", b"nosniff"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body if scope["method"] == "GET" else b""})
