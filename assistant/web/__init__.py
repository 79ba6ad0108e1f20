"""The HTTP edge: ``create_app(settings, assistant)`` and ``serve(...)``. Nothing loads on import."""

from assistant.web.api import create_app
from assistant.web.server import serve

__all__ = ["create_app", "serve"]
