"""The Gradio page: ``page`` builds it and handles questions, ``markup`` draws answers and passages as
escaped HTML, ``turn`` holds one question and its answer as data."""

from ui.page import build_ui

__all__ = ["build_ui"]
