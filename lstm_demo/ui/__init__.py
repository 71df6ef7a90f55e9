"""The Space's user interface (needs Gradio; the rest of the package does not)."""

from .layout import build_demo, launch_kwargs

__all__ = ["build_demo", "launch_kwargs"]
