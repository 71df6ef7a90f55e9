"""What every tab of the Space shares: the served models, the error wrapper, the visitor's language,
chart thinning, and the one way a handler streams from a training thread.

The tab modules (predict, inside, retrain, explore, about) hold plain handler methods and a
`build_<tab>_tab` function each; layout.py puts them on one page.
"""

from __future__ import annotations

import html

import functools
import inspect
import logging
import math
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr
import pandas as pd
import torch

from ..errors import InputError, LSTMDemoError
from ..limits import Limits
from ..recipes import DEVICES
from ..weights import Pretrained
from ..workers.sequences import SequenceProcesses
from .guard.shield import cut, errors
from .state import StopSignals
from ..messages import MESSAGES, say

log = logging.getLogger("lstm_demo.space")


class Labels:
    """The page's labels: `T(key)` is a catalogue key the browser translates (gr.I18n), and only the
    keys the page uses go to the page. `T.define(key, en, zh)` adds a label that the page computes
    (a model card's numbers, the app's limits); `T.i18n()` is what launch() takes."""

    def __init__(self):
        self._i18n = gr.I18n()
        self.used: dict[str, tuple[str, str]] = {}

    def __call__(self, key: str):
        self.used[key] = MESSAGES[key]
        return self._i18n(key)

    def define(self, key: str, english: str, chinese: str):
        self.used[key] = (english, chinese)
        return self._i18n(key)

    def i18n(self) -> gr.I18n:
        return gr.I18n(
            en={key: en for key, (en, _) in self.used.items()}, zh={key: zh for key, (_, zh) in self.used.items()}
        )


T = Labels()  # T("key") -> a label the browser translates

# Okabe-Ito: colours that stay apart for the common kinds of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]

MODEL_NAMES = {"builtin": "built-in", "craft": "hand-built"}
MODEL_CHOICES = [(T("model.builtin"), "builtin"), (T("model.craft"), "craft")]
CHART_POINTS = 600  # a chart needs no more points than this, however long the run (streams.py: fewer)

PUBLIC = "public"  # endpoints scripts may call (a contract: keep names and argument orders)
PRIVATE = "private"  # everything else


@dataclass
class Served:
    """What the handlers of every tab work with: the shared pretrained models (never changed),
    the limits, the visitors' stop signals, and the processes long sequences are computed in."""

    pretrained: Pretrained
    limits: Limits
    stops: StopSignals = field(default_factory=StopSignals)
    sequences: SequenceProcesses | None = None  # where a long sequence's trace or drawing is computed

    def __post_init__(self):
        if self.sequences is None:
            self.sequences = SequenceProcesses(self.limits.max_concurrent_sequence_calls)


def sequence_calls(served: Served) -> dict:
    """An event's share of the server for calls whose cost grows with their sequence (trace, drawing,
    parity): one concurrency group with its own bound, so that long sequences cannot take every
    thread while /predict and the page's other events wait."""
    return dict(concurrency_id="sequence", concurrency_limit=served.limits.max_concurrent_sequence_calls)


def sequence_api_calls(served: Served) -> dict:
    """sequence_calls for the public API's endpoints (/trace, /diagram, /parity), in a group and with a
    bound of their own: a script sending long sequences neither delays the page's Inside events nor
    keeps the server's own process busy encoding answers for more than one call at a time."""
    return dict(concurrency_id="sequence-api", concurrency_limit=served.limits.max_concurrent_sequence_api_calls)


def inline_icon(name: str) -> dict:
    """One of Gradio's icons as a data URL: given by its file path, a button's props carried that path
    (the server's Python install) into the page and its config."""
    import base64

    from .gradio_internals import icon_path

    data = base64.b64encode(Path(icon_path(name)).read_bytes()).decode()
    return {"path": name, "url": f"data:image/svg+xml;base64,{data}"}


def device_choices() -> list[tuple[str, str]]:
    """The device radio's choices: (label, value); a missing GPU says so, in the page's language."""
    return [
        (T(f"device.name.{name}") if name != "gpu" or torch.cuda.is_available() else T("device.gpu.none"), name)
        for name in DEVICES
    ]


def browser_language(request: gr.Request | None) -> str:
    """'zh' when the browser asks for Chinese first, else 'en' (server-made sentences)."""
    header = request.headers.get("accept-language", "") if request is not None else ""
    return "zh" if header.lower().lstrip().startswith("zh") else "en"


def titled(frame: pd.DataFrame, language: str, title: str, x_title: str, y_title: str, plot=gr.LinePlot, **more):
    """A chart's update: `frame` with its title and axis titles (catalogue keys) in `language`."""
    return plot(
        value=frame,
        title=say(title, language),
        x_title=say(x_title, language),
        y_title=say(y_title, language),
        **more,
    )


def page_language(request: gr.Request | None) -> str:
    """The visitor's language; English for a request without headers (a handler called in-process)."""
    try:
        return browser_language(request)
    except AttributeError:
        return "en"


def session_of(request: gr.Request | None) -> str | None:
    """The visitor's session (one per page load or gradio_client Client); None when called in-process."""
    return getattr(request, "session_hash", None) if request is not None else None


def friendly(fn: Callable) -> Callable:
    """Turn the package's errors into gr.Error with one sentence; hide anything else behind one.

    The sentence is in the visitor's language when the function takes `request: gr.Request`
    (Gradio fills it in); without one (the gr.api endpoints, whose signature is their API), English.
    The wrapper keeps the function's signature as it is (functools.wraps), so Gradio sees the
    same parameters, the request and gr.Progress included.
    """
    signature = inspect.signature(fn)
    takes_request = "request" in signature.parameters

    def request_of(args, kwargs) -> gr.Request | None:
        if not takes_request:
            return None
        try:
            return signature.bind_partial(*args, **kwargs).arguments.get("request")
        except TypeError:
            return None

    def convert(exc: Exception, request) -> gr.Error:
        if isinstance(exc, gr.Error):
            return exc
        return gr.Error(sentence_of(exc, browser_language(request), fn), print_exception=False)

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise convert(exc, request_of(args, kwargs)) from None

    else:

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                raise convert(exc, request_of(args, kwargs)) from None

    # Annotations are strings here (`from __future__ import annotations`); Gradio reads a gr.api
    # endpoint's return type from the signature, so it gets the resolved types ("float", not "Any").
    try:
        hints = typing.get_type_hints(fn)
    except (NameError, TypeError):
        return wrapper
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    wrapper.__signature__ = signature.replace(
        parameters=parameters, return_annotation=hints.get("return", signature.return_annotation)
    )
    return wrapper


def inline_errors(outputs: int) -> Callable[[Callable], Callable]:
    """For the page's own (private) events: an error becomes a sentence on a Markdown line (the
    event's last output) and its other `outputs` outputs stay as they were (gr.skip()), so the
    visitor's text stays visible and editable beside the sentence instead of turning into red
    badges. A success hides the line. Public endpoints use `friendly` (gr.Error) instead.

    The function returns a tuple of its `outputs` values; the language comes from `request`.
    """

    def decorate(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                try:
                    request = signature.bind_partial(*args, **kwargs).arguments.get("request")
                except TypeError:
                    request = None
                sentence = sentence_of(exc, browser_language(request), fn)
                return (*[gr.skip()] * outputs, gr.Markdown(f"⚠️ {sentence}", visible=True))
            return (*result, gr.Markdown(visible=False))

        return wrapper

    return decorate


def sentence_of(exc: Exception, language: str, fn: Callable | None = None) -> str:
    """The one sentence a visitor reads for an error, in their language (the catalogue's, by key),
    the values it repeats cut to ~100 characters; an error that is not the package's is logged
    (once per kind) and hidden behind a sentence of its own."""
    if isinstance(exc, gr.Error):
        return cut(exc.message)
    if isinstance(exc, LSTMDemoError):
        if exc.key is None:  # the catalogue test keeps the package's raise sites keyed
            log.warning("an error without a catalogue key reached the page: %s", cut(str(exc)))
        return cut(exc.sentence(language))
    errors.report(exc, getattr(fn, "__qualname__", str(fn)))  # once per kind of error, values cut
    return say("server.error", language)


def event_value(event: object, name: str):
    """A field of a drawing's event (gr.EventData reads its data by attribute), or None when the event
    carries no such field (a malformed call may send none at all)."""
    try:
        return getattr(event, name)
    except (AttributeError, TypeError):
        return None


def file_path(value: object) -> str:
    """The server-side path of an uploaded file, as Gradio hands it over (a dict or a string)."""
    if isinstance(value, dict):
        value = value.get("path")
    if not isinstance(value, str) or not value:
        raise InputError(key="upload.missing")
    if not value.lower().endswith(".safetensors"):
        raise InputError(key="upload.not_safetensors")
    return value


def downsample(frame: pd.DataFrame, points: int = CHART_POINTS) -> pd.DataFrame:
    """Every k-th row (and the last) so that a chart stays light."""
    if len(frame) <= points:
        return frame
    step = math.ceil(len(frame) / points)
    keep = list(range(0, len(frame), step))
    if keep[-1] != len(frame) - 1:
        keep.append(len(frame) - 1)
    return frame.iloc[keep]


# Charts (gr.LinePlot / gr.BarPlot draw with Vega-Lite in the browser). Gradio sizes the plot to
# 100% of its block: a fixed `height` plus the block's label pushes the bottom of the chart (the
# x-axis title and the legend below it) out of the block, where it is clipped. So charts take no
# fixed height and draw to their own size; and the legend needs no title (Vega-Lite would print
# the colour column's name, "series").
CHART = dict(color_title="")
# Epochs run to the thousands: short labels ("4.5k", "5k"), which full numbers at the axis's end
# ran into each other ("4,5005,000"). (Public endpoints return plain data frames, so the axis is
# set here, once, rather than by an update with each frame.)
EPOCH_AXIS = dict(x_axis_format="~s")
FEW_WHOLE_NUMBERS = 24  # up to this many steps, days or epochs, each gets its own labelled place


def chart_legend(entries: dict[str, str], note: str = "") -> str:
    """A chart's legend as HTML under it: each series' name after a stroke of its colour, wrapping
    onto as many lines as the width needs, then an optional note (what a mark on the chart means).

    Gradio's plots draw a Vega legend in one row, which a 390-px phone cuts after two or three
    entries; a chart with many series hides that one (colors_in_legend=[]) and shows this."""
    keys = "".join(
        f'<span class="chart-key"><i style="background:{colour}"></i>{html.escape(name)}</span>'
        for name, colour in entries.items()
    )
    note = f'<span class="chart-key chart-note">{html.escape(note)}</span>' if note else ""
    return f'<div class="chart-legend">{keys}{note}</div>'


def whole_axis(frame: pd.DataFrame, column: str, last: int, first: int = 1) -> tuple[pd.DataFrame, dict]:
    """A chart's x axis of whole numbers (steps, days, epochs) from `first` to `last`.

    Vega-Lite puts a quantitative axis's ticks at 1.2, 1.4, ... over a short range. A few values
    become ordered categories (text, sorted as numbers), one tick each; a long range stays
    numeric, spanning first..last, whose ticks are whole, labelled short. Returns the frame and the LinePlot
    arguments to return with it (gr.LinePlot(value=frame, **arguments)): changing `sort` makes
    the browser rebuild the chart with the new kind of axis.
    """
    if last - first + 1 <= FEW_WHOLE_NUMBERS:
        frame = frame.assign(**{column: frame[column].astype(int).astype(str)})
        return frame, dict(sort=[str(i) for i in range(first, last + 1)], x_lim=None, x_axis_format=None)
    return frame, dict(sort=None, x_lim=[first, last], **EPOCH_AXIS)
