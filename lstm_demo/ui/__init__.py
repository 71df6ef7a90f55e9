"""The Space's user interface (needs Gradio; the rest of the package does not)."""

from .layout import build_demo, launch_kwargs, warm_up

__all__ = ["build_demo", "launch_kwargs", "warm_up"]
