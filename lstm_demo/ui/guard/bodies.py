"""Request bodies: read within a bound, refused with one sentence in the visitor's language, or handed
on to Gradio as they were sent."""

from __future__ import annotations

from ...messages import say

DRAIN_BYTES = 64 * 2**20  # what is read (and dropped) of a refused body so that the client hears the refusal


class TooLarge(Exception):
    """Raised into Gradio's read of a body once it passes the limit (the part read is dropped with it)."""


def header(scope, name: bytes) -> bytes | None:
    """The first value of header `name` (lower case), as Starlette reads it."""
    return next((v for k, v in scope.get("headers", ()) if k == name), None)


def language_of(accept_language: str | bytes | None) -> str:
    """'zh' when the request asks for Chinese first (its Accept-Language), else 'en'."""
    if isinstance(accept_language, bytes):
        accept_language = accept_language.decode("latin-1")
    return "zh" if (accept_language or "").lower().lstrip().startswith("zh") else "en"


def scope_language(scope) -> str:
    return language_of(header(scope, b"accept-language"))


def too_large(limit: int, language: str = "en") -> str:
    return say("guard.too_large", language, limit=limit)


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


async def read_body(receive, limit: int) -> tuple[bytes | None, bool]:
    """(the whole request body, False), or (None, whether more is coming) once it passes `limit`
    bytes or the client has gone: what came is dropped (a refusal to a client gone goes nowhere)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None, False
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


async def pass_bounded(app, scope, receive, send, limit: int) -> None:
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
                raise TooLarge
        return message

    async def sent(message):
        nonlocal started
        if over:
            return  # whatever Gradio answers to the interrupted read, the visitor gets the 413
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await app(scope, counted, sent)
    except Exception:
        if not over:
            raise
    if over and not started:
        await refuse(receive, send, 413, too_large(limit, scope_language(scope)), more_body)
