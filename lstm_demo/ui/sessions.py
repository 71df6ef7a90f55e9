"""A new session's copy of the page's configuration, built once and copied (Gradio 6.31 builds it anew).

Gradio keeps every component's configuration per session (a deep link saves it) and builds it in
`SessionState.__init__` by calling `BlocksConfig.config_for_block` for each block of the page:
~40 ms of the server's CPU for this page's ~210 blocks, for every page load and every raw HTTP API
call (each opens a session). A block as built never changes (an update makes a new block object in
the session), so its configuration is the same for every session: `share_block_configs` builds each
one once, on first use, and hands each session its own copy (a pickle round trip: ~4 ms for the
page, against ~40 ms). A block that an update replaced, or a rendered one, is built as Gradio builds it.
`python bench/serve_speed.py` measures the raw HTTP calls; tests/test_ui.py checks the copies.
"""

from __future__ import annotations

import pickle

import gradio as gr
from gradio.blocks import BlocksConfig


class SharedBlockConfigs(BlocksConfig):
    """A page's BlocksConfig whose sessions copy each built block's configuration, built once."""

    built: dict  # id -> the block as built
    made: dict  # id -> its configuration, pickled (a race only builds one twice)

    def config_for_block(self, _id, rendered_ids, block, renderable=None) -> dict:
        if renderable is not None or self.built.get(_id) is not block:
            return BlocksConfig.config_for_block(_id, rendered_ids, block, renderable)
        pickled = self.made.get(_id)
        if pickled is None:
            pickled = pickle.dumps(BlocksConfig.config_for_block(_id, rendered_ids, block), pickle.HIGHEST_PROTOCOL)
            self.made.setdefault(_id, pickled)
        return pickle.loads(pickled)

    def __copy__(self):
        # Gradio copies the page's BlocksConfig for each session (a BlocksConfig, field by field);
        # the copy stays of this class and shares the configurations built so far.
        new = super().__copy__()
        new.__class__ = type(self)
        new.built, new.made = self.built, self.made
        return new


def share_block_configs(demo: gr.Blocks) -> None:
    """Make `demo`'s sessions copy each built block's configuration instead of building it again."""
    config = demo.default_config
    config.__class__ = SharedBlockConfigs
    config.built, config.made = dict(config.blocks), {}
