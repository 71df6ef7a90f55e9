"""What the API page and gradio_client's view_api say about the public endpoints.

Gradio builds that description from the components an event is wired to: their labels (here
gr.I18n keys, which the API page shows as "[object Object]"), "value_<id>" for an output without a
label, and "Any" for a gr.api function whose annotations are strings (`from __future__ import
annotations`). `describe_api` edits the app's API description (gradio_internals.edit_api_info: Gradio
has no hook for it) so that every public endpoint says, in English, what each parameter and output is: from the handler's Google-style docstring (Args: and
Returns:, parsed by Gradio's own parser) where it has one, else from the component's English label.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable

import gradio as gr
from gradio import utils

from ..messages import EN
from .gradio_internals import edit_api_info

_TYPE_NAMES = {float: "float", int: "int", str: "str", dict: "dict", list: "list", bool: "bool"}


def english(label: object, fallback: str) -> str:
    """A component's label as English text: an i18n key's English, a plain string, or `fallback`."""
    if isinstance(label, dict) and label.get("_type") == "translation_metadata":
        return EN.get(label.get("key", ""), fallback)
    if hasattr(label, "key") and getattr(label, "_type", "") == "translation_metadata":
        return EN.get(label.key, fallback)
    if not isinstance(label, str) or not label or re.fullmatch(r"value_\d+|\d+(st|nd|rd|th)", label):
        return fallback  # Gradio's placeholders: "value_58" for an unlabelled output, "1st" for gr.api's
    return label


def _returns(fn: Callable) -> list[tuple[str, str]]:
    """(name, description) per output from the docstring's "Returns:" lines "name: description"."""
    _, _, lines = utils.get_function_description(fn)
    named = []
    for line in lines:
        name, colon, text = line.partition(":")
        if colon and name.strip().isidentifier():
            named.append((name.strip(), text.strip()))
        elif named:  # a description that goes on over several lines
            named[-1] = (named[-1][0], f"{named[-1][1]} {line}".strip())
        else:
            named.append(("", line))
    return named


def _return_type(fn: Callable) -> str | None:
    try:
        hint = typing.get_type_hints(getattr(fn, "__wrapped__", fn)).get("return")
    except (NameError, TypeError):
        return None
    return _TYPE_NAMES.get(hint) if hint is not None else None


def describe_api(demo: gr.Blocks) -> None:
    """Make `demo`'s API description name and describe every public endpoint's parameters and outputs."""
    handlers = {f"/{fn.api_name}": fn.fn for fn in demo.fns.values() if fn.api_name}

    def describe(info: dict) -> None:
        for name, endpoint in info["named_endpoints"].items():
            fn = handlers.get(name)
            if fn is None:
                continue
            _, parameters, _ = utils.get_function_description(fn)
            for parameter in endpoint["parameters"]:
                key = parameter["parameter_name"]
                parameter["label"] = english(parameter.get("label"), key)
                described = parameters.get(key) or parameter["python_type"].get("description") or parameter["label"]
                parameter["python_type"]["description"] = described
            returns = _returns(fn)
            for index, output in enumerate(endpoint["returns"]):
                named, text = returns[index] if index < len(returns) else ("", "")
                fallback = named or (f"output_{index + 1}" if len(endpoint["returns"]) > 1 else "result")
                output["label"] = named or english(output.get("label"), fallback)
                if text:
                    output["python_type"]["description"] = text
                if output["python_type"]["type"] == "Any" and (hint := _return_type(fn)):
                    output["python_type"]["type"] = hint
                    output["type"] = {"type": {"float": "number", "int": "integer", "str": "string"}.get(hint, hint)}

    edit_api_info(demo, describe)


__all__ = ["describe_api", "english"]
