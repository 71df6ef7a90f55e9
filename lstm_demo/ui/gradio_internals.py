"""Every reach into Gradio's private names and unpublished behaviour, in one place (the page's own
script's, static/page.js, are in its GRADIO table): what waits in the queue, the function a call
names, where uploads and deep links are kept, some errors' wording, the API page's descriptions, the
sessions' configurations. Each section names what it uses, wraps it, and has a check; `check(demo)`
runs them all at start (build_demo): an upgrade of Gradio that moves one stops the start with one line."""

from __future__ import annotations

import functools
import inspect
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import gradio

from .gradio_changed import GradioChanged, missing, need


# -- the queue: Blocks._queue.event_queue_per_concurrency_id, EventQueue.queue, an Event's session_hash, request, fn


def waiting_events(blocks) -> Iterator[tuple[str | None, dict | None, str | None]]:
    """(session hash, the request's ASGI scope, concurrency id) of each event waiting in the queue."""
    for event_queue in list(blocks._queue.event_queue_per_concurrency_id.values()):
        for event in list(event_queue.queue):
            yield event.session_hash, getattr(event.request, "scope", None), event.fn.concurrency_id


def _check_queue(demo) -> None:
    from gradio import queueing

    purpose = "gradio.purpose.queue"
    queue = need(demo, "Blocks", "_queue", purpose)
    need(queue, "Blocks._queue", "event_queue_per_concurrency_id", purpose)
    need(queueing.EventQueue("check", 1), "EventQueue", "queue", purpose)
    fn = next(iter(demo.fns.values()), None)
    if fn is not None:
        event = queueing.Event("check", fn, None, None)
        for name in ("session_hash", "request", "fn"):
            need(event, "queueing.Event", name, purpose)


# -- functions: Blocks.fns (index -> BlockFunction) and a BlockFunction's api_name, name, concurrency_id and inputs --


def function_of(blocks, fn_index: object, api_name: str | None):
    """The event a call names (by index, or by api name on the /call route), or None."""
    if api_name is not None:
        return next((fn for fn in blocks.fns.values() if fn.api_name == api_name), None)
    if isinstance(fn_index, int) and not isinstance(fn_index, bool):
        return blocks.fns.get(fn_index)
    return None


def concurrency_id(fn) -> str | None:
    return fn.concurrency_id


def inputs_of(fn) -> list:
    return list(fn.inputs)


def where_of(fn) -> str:
    """How a sentence names the function a call went to: its api name, else its handler's name."""
    name = getattr(fn, "api_name", None) or getattr(fn, "name", None)
    return f"/{name}" if name else "this event"


def _check_functions(demo) -> None:
    purpose = "gradio.purpose.functions"
    fns = need(demo, "Blocks", "fns", purpose)
    if not isinstance(fns, dict):
        raise missing("Blocks", "fns dict", purpose)
    for fn in fns.values():
        for name in ("api_name", "name", "concurrency_id", "inputs"):
            need(fn, "BlockFunction", name, purpose)


# -- the app: App.get_blocks (the Blocks behind the FastAPI app in an ASGI scope) -----------------


def blocks_of(scope: dict):
    return scope["app"].get_blocks()


def _check_app(demo) -> None:
    from gradio.routes import App

    need(App, "App", "get_blocks", "gradio.purpose.app")


# -- the upload folder: gradio.utils.get_upload_folder, where the upload route stores <64 hex>/<name> ---------------


def upload_folder() -> str:
    from gradio.utils import get_upload_folder

    return os.path.realpath(get_upload_folder())


def _check_upload_folder(demo) -> None:
    from gradio import utils

    if not callable(need(utils, "gradio.utils", "get_upload_folder", "gradio.purpose.upload_folder")):
        raise missing("gradio.utils", "get_upload_folder", "gradio.purpose.upload_folder")


# -- the upload route's parser: gradio.route_utils reads a multipart body with python_multipart's
# parse_options_header and MultipartParser, and stores every part whose Content-Disposition names a
# filename (the guard counts files by the same rules) ----------------------------------------------


def _check_upload_parser(demo) -> None:
    from gradio import route_utils
    from python_multipart import multipart

    for name in ("parse_options_header", "MultipartParser"):
        if getattr(route_utils, name, None) is not getattr(multipart, name):
            raise missing("gradio.route_utils", f"python_multipart's {name}", "gradio.purpose.upload_parser")


# -- process_api: Blocks.process_api (every queued call), its block_fn, inputs and request, its answer's "data" -----


def wrap_process_api(demo, around: Callable) -> None:
    """Replace `demo.process_api` by `around(call, fn, inputs, request)`, where `call()` runs
    Gradio's own and `request` is the call's gr.Request (None when it has none)."""
    process_api = demo.process_api
    signature = inspect.signature(process_api)

    @functools.wraps(process_api)
    async def wrapped(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        block_fn = arguments["block_fn"]
        fn = demo.fns[block_fn] if isinstance(block_fn, int) else block_fn
        request = arguments.get("request")
        if isinstance(request, list):  # a batch: one request per item, all of one visitor
            request = request[0] if request else None
        return await around(lambda: process_api(*args, **kwargs), fn, arguments["inputs"], request)

    demo.process_api = wrapped


def output_data(output: object) -> object:
    """The values a call answered (process_api's {"data": [...], ...})."""
    return output.get("data") if isinstance(output, dict) else None


def _check_process_api(demo) -> None:
    purpose = "gradio.purpose.process_api"
    parameters = inspect.signature(need(demo, "Blocks", "process_api", purpose)).parameters
    for name in ("block_fn", "inputs", "request"):
        if name not in parameters:
            raise missing("Blocks.process_api", f"parameter {name}", purpose)


# -- processing errors: ComponentProcessingError's "... component at index <i>" (Blocks._format_processing_error) --

FAULTY_INPUT = re.compile(r"preprocess input component at index (\d+)")


def processing_error_index(exc: BaseException) -> int | None:
    """The index of the input Gradio could not convert, when its error names it."""
    from gradio.exceptions import ComponentProcessingError

    found = FAULTY_INPUT.search(str(exc)) if isinstance(exc, ComponentProcessingError) else None
    return int(found.group(1)) if found else None


def _check_processing_error(demo) -> None:
    from gradio import exceptions

    purpose = "gradio.purpose.processing_error"
    need(exceptions, "gradio.exceptions", "ComponentProcessingError", purpose)
    box = gradio.Textbox(render=False)
    fn = SimpleNamespace(name="check", inputs=[box], outputs=[])
    message = need(gradio.Blocks, "Blocks", "_format_processing_error", purpose)(fn, 3, box, 1, True, ValueError())
    if FAULTY_INPUT.search(message) is None or FAULTY_INPUT.search(message).group(1) != "3":
        raise missing("ComponentProcessingError", "'component at index' wording", purpose)


# -- choices: gr.Dropdown's and gr.Radio's wording for a value not in their choices ("... is not in the list ...") --

NOT_A_CHOICE = re.compile(
    r"^Value: (?P<value>.*?)(?: \(type: <class '[\w.]+'>\))? is not in the list of choices: (?P<choices>\[.*\])$",
    re.DOTALL,
)


def not_a_choice(message: str) -> tuple[str, str] | None:
    """(the value, the choices) when `message` is Gradio's refusal of a value not in a list of choices."""
    found = NOT_A_CHOICE.match(message)
    return (found.group("value"), found.group("choices")) if found else None


def _check_choices(demo) -> None:
    for component in (gradio.Dropdown, gradio.Radio):
        try:
            component(choices=["a"], render=False).preprocess("check")
        except gradio.Error as exc:
            found = not_a_choice(str(exc.message))
            if found is not None and found[0].strip("'") == "check" and found[1] == "['a']":
                continue
        raise missing(component.__name__, "'is not in the list of choices' wording", "gradio.purpose.choices")


# -- components: a component's get_block_name(), data_model (its pydantic model, or None) and stateful (a gr.State) --


def block_name(block) -> str:
    return block.get_block_name()


def data_model(block):
    return getattr(block, "data_model", None)


def stateful(block) -> bool:
    return bool(getattr(block, "stateful", False))


def _check_components(demo) -> None:
    purpose = "gradio.purpose.components"
    for fn in demo.fns.values():
        for block in fn.inputs:
            for name in ("get_block_name", "data_model", "stateful"):
                need(block, type(block).__name__, name, purpose)


# -- deep links: the deep-link route writes <upload folder>/deep_links/<name>/state.json (routes.DEEP_LINK_PATTERN) -

DEEP_LINKS, STATE = "deep_links", "state.json"


def deep_link_folder() -> Path:
    return Path(upload_folder()) / DEEP_LINKS


def deep_link_state(name: object) -> Path | None:
    """The state file a deep-link name refers to, or None when it is no such name."""
    from gradio.routes import DEEP_LINK_PATTERN

    if not isinstance(name, str) or not DEEP_LINK_PATTERN.fullmatch(name):
        return None
    return deep_link_folder() / name / STATE


def _check_deep_links(demo) -> None:
    from gradio import routes

    purpose = "gradio.purpose.deep_links"
    need(routes, "gradio.routes", "DEEP_LINK_PATTERN", purpose)
    source = inspect.getsource(routes)
    for name in (f'"{DEEP_LINKS}"', f'"{STATE}"'):
        if name not in source:
            raise missing("the deep-link route", f"{name} folder layout", purpose)


# -- API info: Blocks.get_api_info()["named_endpoints"]["/<api>"]["parameters"], each with its
# parameter_name, parameter_has_default and parameter_default (what the v2 call route takes) -----


class Parameter(NamedTuple):
    name: str
    has_default: bool
    default: object


def endpoint_parameters(blocks, api_name: str) -> list[Parameter] | None:
    """The parameters an endpoint takes by name, in order; None when it is no public endpoint."""
    endpoint = blocks.get_api_info()["named_endpoints"].get("/" + api_name)
    if endpoint is None:
        return None
    return [
        Parameter(p["parameter_name"], bool(p.get("parameter_has_default")), p.get("parameter_default"))
        for p in endpoint["parameters"]
    ]


def _check_api_info(demo) -> None:
    purpose = "gradio.purpose.api_info"
    info = need(demo, "Blocks", "get_api_info", purpose)()
    if not isinstance(info, dict) or "named_endpoints" not in info:
        raise missing("Blocks.get_api_info()", "named_endpoints", purpose)
    for endpoint in info["named_endpoints"].values():
        for parameter in endpoint.get("parameters", []):
            if "parameter_name" not in parameter:
                raise missing("Blocks.get_api_info()", "parameter_name", purpose)
    if not Path(need(gradio.utils, "gradio.utils", "get_icon_path", purpose)("link.svg")).is_file():
        raise missing("gradio.utils", "get_icon_path", purpose)


# -- the API page (and view_api): get_api_info has no hook for a parameter's description, so it is
# wrapped (the routes ask the Blocks each time); the Share button's icon (gradio.utils.get_icon_path)


def edit_api_info(demo, edit: Callable[[dict], None]) -> None:
    """Make `demo`'s API description pass through `edit(info)` (which changes it in place)."""
    original = demo.get_api_info

    def edited(all_endpoints=False, page=None) -> dict:
        info = original(all_endpoints, page)
        edit(info)
        return info

    demo.get_api_info = edited


def icon_path(name: str) -> str:
    """The file of one of Gradio's own icons (gradio.utils.get_icon_path; the Share button's)."""
    return gradio.utils.get_icon_path(name)


# -- forwarded addresses: uvicorn reads FORWARDED_ALLOW_IPS (Gradio's uvicorn Config sets no forwarded_allow_ips) ---


def trust_forwarded_from(proxies: str) -> None:
    """Tell uvicorn which peers' X-Forwarded-For to believe ("" for none); read when Gradio launches."""
    os.environ["FORWARDED_ALLOW_IPS"] = proxies


def _check_forwarded(demo) -> None:
    from gradio import http_server

    if "forwarded_allow_ips" in inspect.getsource(http_server):
        raise missing("http_server", "uvicorn Config that reads FORWARDED_ALLOW_IPS", "gradio.purpose.forwarded")


# -- sessions: a new session (page load, raw HTTP call) copies each block's configuration from the static
# BlocksConfig.config_for_block (SessionState.config_values, what a deep link saves); Gradio's one write
# into a copy is an event block's props["value"] (_update_value_in_config), others replace an entry --


def share_block_configs(demo) -> None:
    """Build each block's configuration once and share it; a session gets fresh entry and props dicts
    where an event reads or writes the block (deep copies paused every request for the collector)."""
    from gradio.blocks import BlocksConfig

    build = BlocksConfig.__dict__["config_for_block"].__func__
    events = {block._id for fn in demo.fns.values() for block in (*fn.inputs, *fn.outputs)}
    if hasattr(build, "page_blocks"):  # shared already (another page in this process): add this one's
        build.page_blocks.update(demo.blocks)
        build.page_events.update(events)
        return
    built, made = dict(demo.blocks), {}

    @functools.wraps(build)
    def config_for_block(_id, rendered_ids, block, renderable=None) -> dict:
        if renderable is not None or built.get(_id) is not block:
            return build(_id, rendered_ids, block, renderable)
        config = made.get(_id)
        if config is None:  # two sessions at once may both build it: equal either way
            config = made[_id] = build(_id, rendered_ids, block)
        if _id not in events:  # no event writes into it: every session shares it
            return config
        props = config.get("props")
        return {**config, "props": dict(props)} if isinstance(props, dict) else dict(config)

    config_for_block.page_blocks = built
    config_for_block.page_events = events
    BlocksConfig.config_for_block = staticmethod(config_for_block)


def _check_block_configs(demo) -> None:
    from gradio import state_holder
    from gradio.blocks import BlocksConfig

    purpose = "gradio.purpose.block_configs"
    if not isinstance(BlocksConfig.__dict__.get("config_for_block"), staticmethod):
        raise missing("gradio.blocks.BlocksConfig", "static config_for_block", purpose)
    source = inspect.getsource(need(state_holder, "gradio.state_holder", "SessionState", purpose))
    if "config_for_block" not in source:
        raise missing("gradio.state_holder.SessionState", "config_for_block", purpose)
    writes = re.findall(r"config_values\[[^\]]+\](\[[^=\n]*)=", source)  # writes into an entry
    if any(write.replace(" ", "") != '["props"]["value"]' for write in writes):
        raise missing("gradio.state_holder.SessionState", "config_values written only at props['value']", purpose)


CHECKS = (
    _check_queue, _check_functions, _check_app, _check_upload_folder, _check_upload_parser, _check_process_api,
    _check_processing_error, _check_choices, _check_components, _check_deep_links, _check_api_info,
    _check_forwarded, _check_block_configs,
)  # fmt: skip


def check(demo) -> None:
    """Stop with one line (GradioChanged) when any private name above is missing from this Gradio."""
    for each in CHECKS:
        try:
            each(demo)
        except GradioChanged:
            raise
        except Exception as exc:  # a check that cannot even run: the name it reaches for moved
            name = each.__name__.removeprefix("_check_")
            reason = (str(exc).splitlines() or [""])[0][:200]
            raise missing("gradio", f"{name} ({type(exc).__name__}: {reason})", f"gradio.purpose.{name}") from None
