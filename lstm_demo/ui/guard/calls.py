"""A call's body read as Gradio will read it: JSON with a 'data' list, text that is text, and on the
v2 route (`/gradio_api/call/v2/<api>`, what the API page's curl lines use) an object of the
endpoint's parameters by name, turned into the 'data' list of the /call route that serves it."""

from __future__ import annotations

import json

from ..gradio_internals import Parameter

Refusal = tuple[str, dict]  # a catalogue key and its parameters


def encodable(value: object) -> bool:
    """Whether every text in a parsed JSON value is valid Unicode (walked without recursion). A lone
    surrogate ("\\ud800") parses as JSON but is no character: Gradio's answer that repeats it cannot
    be encoded, and the visitor's whole event stream broke."""
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


def parsed(body: bytes) -> tuple[object, Refusal | None]:
    """(the body's JSON value, None), or (None, why it is refused)."""
    try:
        value = json.loads(body)
    except RecursionError:
        return None, ("guard.too_deep", {})
    except ValueError:
        return None, ("guard.not_a_call", {})
    if not encodable(value):
        return None, ("guard.not_text", {})
    return value, None


def is_call(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("data"), list)


def v2_data(value: object, parameters: list[Parameter], where: str) -> tuple[list | None, Refusal | None]:
    """The 'data' list a v2 body names by parameter (defaults where it names none), or why it is refused.
    An "oauth_token" is dropped, as Gradio's own v2 route drops it for an endpoint that takes none."""
    names = ", ".join(p.name for p in parameters) or "none"
    if not isinstance(value, dict):
        return None, ("guard.v2.not_object", {"where": where, "names": names})
    given = {k: v for k, v in value.items() if k != "oauth_token"}
    known = {p.name for p in parameters}
    unknown = next((k for k in given if k not in known), None)
    if unknown is not None:
        shown = unknown if len(unknown) <= 40 else unknown[:40] + "…"
        return None, ("guard.v2.unknown", {"where": where, "name": shown, "names": names})
    data = []
    for parameter in parameters:
        if parameter.name in given:
            data.append(given[parameter.name])
        elif parameter.has_default:
            data.append(parameter.default)
        else:
            return None, ("guard.v2.missing", {"where": where, "name": parameter.name, "names": names})
    return data, None
