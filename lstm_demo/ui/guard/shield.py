"""Every malformed call gets one sentence, and every error is logged once per kind.

Gradio checks and converts a call's values (the count, file and table shapes, choices) before our
function runs, and any error there that is not a gr.Error reached the visitor as {"error": null}
with a traceback in the log per request. `shield(demo)` wraps the app's own process_api (the one
place every queued call passes): an error that is not a gr.Error becomes one that names the value
at fault, in the visitor's language; a gr.Error keeps its sentence with echoed values cut; a
traceback is logged once per kind of error (`ErrorLog`, which the guard and ui/common share).
"""

from __future__ import annotations

import collections
import logging
import math
import re
import threading
import traceback

from ...messages import say
from ..gradio_internals import (
    block_name,
    data_model,
    inputs_of,
    not_a_choice,
    output_data,
    processing_error_index,
    stateful,
    upload_folder,
    where_of,
    wrap_process_api,
)
from .bodies import language_of
from .paths import relative_files

log = logging.getLogger("lstm_demo.space")

ECHO = 100  # characters of a visitor's value that a sentence or a log line repeats
QUOTED = re.compile(r"""(['"])((?:(?!\1).){%d})(?:(?!\1).)+\1""" % ECHO, re.DOTALL)
SENTENCE = 400  # the longest sentence a visitor is shown


def cut(text: str, quoted: bool = True) -> str:
    """`text` with every quoted value cut to ECHO characters, and the whole to SENTENCE."""
    if quoted:
        text = QUOTED.sub(lambda m: f"{m.group(1)}{m.group(2)}…{m.group(1)}", text)
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be sent
    return text if len(text) <= SENTENCE else text[:SENTENCE] + "…"


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
        message, where = cut(str(exc)), cut(where)
        if times == 1:
            stack = "".join(traceback.format_tb(exc.__traceback__))
            log.error("%s in %s: %s\n%s(logged once per kind of error)", kind[0], where, message, stack)
        elif math.log10(times).is_integer():
            log.error("%s in %s at %s: %d times so far; the latest: %s", kind[0], where, kind[1], times, message)


errors = ErrorLog()


def plain(message: str, language: str = "en") -> str:
    """A gr.Error's message as a visitor reads it: Gradio's refusal of a choice in plain words, values cut."""
    choice = not_a_choice(message)
    if choice is not None:
        value, choices = choice
        value = value if len(value) <= ECHO else value[:ECHO] + "…"
        return cut(say("guard.not_a_choice", language, value=value, choices=choices), quoted=False)
    return cut(message)


KINDS = {  # what a component takes, in a visitor's words (catalogue keys)
    "file": "call.kind.file",
    "dataframe": "call.kind.table",
    "json": "call.kind.json",
    "number": "call.kind.number",
    "slider": "call.kind.number",
    "checkbox": "call.kind.bool",
    "checkboxgroup": "call.kind.choices",
    "radio": "call.kind.choice",
    "dropdown": "call.kind.choice",
    "textbox": "call.kind.text",
    "api": "call.kind.value",
    "dataset": "call.kind.example",
}


def kind_of(block, language: str = "en") -> str:
    return say(KINDS.get(block_name(block), "call.kind.other"), language)


def faulty_input(fn, inputs: list, exc: BaseException) -> int | None:
    """The index of the input a call's error comes from, if it can be told."""
    index = processing_error_index(exc)
    if index is not None:
        return index
    for i, block in enumerate(inputs_of(fn)):
        model = data_model(block)
        if stateful(block) or model is None or i >= len(inputs) or inputs[i] is None:
            continue
        try:
            model.model_validate(inputs[i])
        except Exception:
            return i
    return None


def malformed(fn, inputs: object, exc: BaseException, language: str = "en") -> str:
    """The one sentence for a call Gradio could not turn into our function's arguments."""
    where, blocks = where_of(fn), inputs_of(fn)
    if not isinstance(inputs, list) or len(inputs) < len(blocks):
        got = len(inputs) if isinstance(inputs, list) else 0
        count = len(blocks)  # a call sends a place (null) for the page's own state too
        return say("call.count.one" if count == 1 else "call.count", language, where=where, count=count, got=got)
    index = faulty_input(fn, inputs, exc)
    if index is not None:
        return say("call.value", language, index=index + 1, where=where, kind=kind_of(blocks[index], language))
    kinds = ", ".join(kind_of(block, language) for block in blocks if not stateful(block))
    return say("call.values", language, where=where, kinds=kinds)


def shield(demo) -> None:
    """Wrap `demo.process_api` (see the module docstring); files it answers are named relative to the
    upload folder. Errors inside our own functions are already sentences (common.friendly); what
    reaches here comes from Gradio's handling."""
    import gradio as gr

    folder = upload_folder()

    def sentence_error(sentence: str) -> gr.Error:
        """The sentence as what Gradio shows, with no traceback (errors.report has logged it)."""
        return gr.Error(sentence, print_exception=False)

    async def shielded(call, fn, inputs, request):
        try:
            language = language_of(request.headers.get("accept-language"))
        except AttributeError:  # no request (a call made in-process), or one without headers
            language = "en"
        try:
            output = await call()
        except gr.Error as exc:  # ours (already one sentence) or Gradio's (a choice not in the list)
            exc.message, exc.print_exception = plain(str(exc.message), language), False
            raise
        except Exception as exc:
            errors.report(exc, where_of(fn))
            raise sentence_error(malformed(fn, inputs, exc, language)) from None
        relative_files(output_data(output), folder)
        return output

    wrap_process_api(demo, shielded)
