"""The Space's user interface (needs Gradio; the rest of the package does not).

layout.py builds the page from one module per tab (predict, inside, retrain, explore, about);
common.py holds what the tabs share; state.py what the server keeps per visitor and per session.
"""

from .layout import build_demo, launch_kwargs, warm_up

__all__ = ["build_demo", "launch_kwargs", "warm_up"]
