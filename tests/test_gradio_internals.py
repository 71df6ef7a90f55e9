"""Gradio's private names the Space relies on are checked at start: a missing one stops the start with
one line naming it (lstm_demo/ui/gradio_internals.py). Each case takes one away, as an upgrade of
Gradio might, from a real small Blocks app or from Gradio's own modules."""

import gradio as gr
import pytest

from lstm_demo.errors import LSTMDemoError
from lstm_demo.ui import gradio_internals
from lstm_demo.ui.gradio_internals import GradioChanged, check

VERSION = gr.__version__


@pytest.fixture
def demo():
    """A small app with an event, a choice and a state, queued, as build_demo makes the Space's."""
    with gr.Blocks() as app:
        text, choice, state = gr.Textbox(), gr.Dropdown(["a", "b"], value="a"), gr.State()
        gr.Button().click(lambda t, c, s: t, [text, choice, state], text, api_name="echo")
    app.queue()
    return app


def test_every_fenced_name_is_there_in_this_gradio(demo):
    check(demo)


def _no_request(demo):
    async def process_api(block_fn, inputs, state=None):
        return {}

    return process_api


def _other_wording(*_):
    raise gr.Error("That is not a choice.")


@pytest.mark.parametrize(
    "take_away, line",
    [
        (
            lambda patch, demo: patch.delattr(demo, "_queue"),
            f"Gradio {VERSION}'s Blocks has no _queue: the queue shares cannot be counted.",
        ),
        (
            lambda patch, demo: patch.delattr(demo._queue, "event_queue_per_concurrency_id"),
            f"Gradio {VERSION}'s Blocks._queue has no event_queue_per_concurrency_id: "
            "the queue shares cannot be counted.",
        ),
        (
            lambda patch, demo: patch.delattr("gradio.utils.get_upload_folder"),
            f"Gradio {VERSION}'s gradio.utils has no get_upload_folder: "
            "uploads cannot be bounded on disk or named without server paths.",
        ),
        (
            lambda patch, demo: patch.setattr("gradio.route_utils.MultipartParser", object),
            f"Gradio {VERSION}'s gradio.route_utils has no python_multipart's MultipartParser: "
            "an upload's files cannot be counted as Gradio counts them.",
        ),
        (
            lambda patch, demo: patch.delattr("gradio.routes.App.get_blocks"),
            f"Gradio {VERSION}'s App has no get_blocks: the guard cannot reach the page's functions.",
        ),
        (
            lambda patch, demo: patch.delattr("gradio.exceptions.ComponentProcessingError"),
            f"Gradio {VERSION}'s gradio.exceptions has no ComponentProcessingError: "
            "a malformed call's faulty value cannot be named.",
        ),
        (
            lambda patch, demo: patch.setattr(demo, "process_api", _no_request(demo)),
            f"Gradio {VERSION}'s Blocks.process_api has no parameter request: "
            "a malformed call cannot be answered with one sentence.",
        ),
        (
            lambda patch, demo: patch.setattr(gr.Dropdown, "preprocess", _other_wording),
            f"Gradio {VERSION}'s Dropdown has no 'is not in the list of choices' wording: "
            "a value that is not one of the choices cannot be named in plain words.",
        ),
        (
            lambda patch, demo: patch.delattr("gradio.routes.DEEP_LINK_PATTERN"),
            f"Gradio {VERSION}'s gradio.routes has no DEEP_LINK_PATTERN: "
            "deep links cannot be bounded on disk or kept free of server paths.",
        ),
        (
            lambda patch, demo: patch.setattr("gradio.blocks.BlocksConfig.config_for_block", lambda *args: {}),
            f"Gradio {VERSION}'s gradio.blocks.BlocksConfig has no static config_for_block: "
            "each new session would build the page's configuration again.",
        ),
        (
            lambda patch, demo: patch.setattr(demo, "get_api_info", lambda: {"endpoints": {}}),
            f"Gradio {VERSION}'s Blocks.get_api_info() has no named_endpoints: the v2 call route cannot be served.",
        ),
    ],
)
def test_a_missing_private_name_stops_the_start_with_one_line_naming_it(monkeypatch, demo, take_away, line):
    take_away(monkeypatch, demo)
    with pytest.raises(GradioChanged) as info:
        check(demo)
    assert str(info.value) == line
    assert isinstance(info.value, LSTMDemoError)  # app.py prints it as one line, not a traceback
    assert "\n" not in str(info.value) and info.value.sentence("zh").startswith(f"Gradio {VERSION} 的 ")


def test_the_space_checks_gradio_when_it_builds_its_page(monkeypatch):
    """build_demo runs the check: with a fenced name gone, building the page stops with that one line."""
    from lstm_demo.ui import build_demo

    monkeypatch.delattr("gradio.routes.DEEP_LINK_PATTERN")
    with pytest.raises(GradioChanged, match="^Gradio .* has no DEEP_LINK_PATTERN: deep links cannot be bounded"):
        build_demo()


def test_the_process_api_wrapper_takes_the_request_by_name(demo):
    """However Gradio passes them (by position or by name), the wrapper hands on the call's own request."""
    import asyncio

    seen = []

    async def around(call, fn, inputs, request):
        seen.append((gradio_internals.where_of(fn), inputs, request))
        return await call()

    async def process_api(block_fn, inputs, state=None, request=None, iterator=None):
        return {"data": inputs}

    demo.process_api = process_api
    gradio_internals.wrap_process_api(demo, around)
    fn = next(iter(demo.fns.values()))
    asyncio.run(demo.process_api(fn, ["x"], None, "by position"))
    asyncio.run(demo.process_api(block_fn=fn, inputs=["y"], request="by name"))
    asyncio.run(demo.process_api(fn._id, ["z"], request=["first of a batch", "second"]))
    assert seen == [("/echo", ["x"], "by position"), ("/echo", ["y"], "by name"), ("/echo", ["z"], "first of a batch")]


def test_a_new_session_gets_its_own_copy_of_the_configuration_gradio_builds():
    """share_block_configs: a session copies each block's configuration, built once, instead of
    building it again; what it gets equals what Gradio builds, and is the session's own."""
    import json

    from gradio.blocks import BlocksConfig
    from gradio.state_holder import SessionState

    from lstm_demo.limits import Limits
    from lstm_demo.ui import build_demo

    demo = build_demo(limits=Limits())
    build = BlocksConfig.__dict__["config_for_block"].__func__.__wrapped__  # Gradio's own

    def as_text(configs: dict) -> str:  # a translated label is an object; its text is what the page gets
        return json.dumps(configs, default=str, sort_keys=True)

    built = {key: build(key, [], block) for key, block in demo.blocks.items()}
    first, second = SessionState(demo), SessionState(demo)
    assert len(first.config_values) == len(built) > 200
    assert as_text(first.config_values) == as_text(built) == as_text(second.config_values)
    # Each session's own: a change in one (Gradio's own write into an event's output) reaches neither
    # another nor the next one.
    outputs = {block._id for fn in demo.fns.values() for block in fn.outputs}
    key = next(key for key, block in demo.blocks.items() if isinstance(block, gr.Markdown) and key in outputs)
    first._update_value_in_config(key, "changed in the first session")
    for other in (second, SessionState(demo)):
        assert (
            other.config_values[key]["props"]["value"] == built[key]["props"]["value"] != "changed in the first session"
        )
    # A block an update replaced is built as Gradio builds it, not taken from the copies.
    replacement = gr.Markdown("a replaced block", render=False)
    first[key] = replacement
    first._update_config(key)
    assert first.config_values[key]["props"]["value"] == "a replaced block"
    assert as_text(first.config_values[key]) == as_text(build(key, [], replacement))


def test_a_new_session_adds_few_containers_for_the_garbage_collector():
    """A session's copy is two dicts per block over shared values: the sessions of a busy server (up to
    Limits.max_sessions) must not fill the heap with containers that each full collection walks."""
    import gc

    from gradio.state_holder import SessionState

    from lstm_demo.limits import Limits
    from lstm_demo.ui import build_demo

    demo = build_demo(limits=Limits())
    SessionState(demo)  # the first builds the shared configurations
    gc.collect()
    before = len(gc.get_objects())
    sessions = [SessionState(demo) for _ in range(50)]
    per_session = (len(gc.get_objects()) - before) / len(sessions)
    assert per_session <= 1.5 * len(demo.blocks), per_session


class _DeeperWrites:
    """A SessionState that writes into a configuration's nested values (what the sharing relies on not)."""

    def __init__(self, blocks):
        self.config_values = {k: blocks.blocks_config.config_for_block(k, [], v) for k, v in blocks.blocks.items()}

    def _update_choices(self, key, choices):
        self.config_values[key]["props"]["choices"] = choices


def test_a_session_that_writes_deeper_into_its_configuration_stops_the_start(monkeypatch, demo):
    monkeypatch.setattr("gradio.state_holder.SessionState", _DeeperWrites)
    with pytest.raises(GradioChanged, match="SessionState has no config_values written only at props"):
        check(demo)
