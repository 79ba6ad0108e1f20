"""The HTTP edge. Nothing here is imported with the package, so its light modules stay light:
the app is built by ``assistant.web.factory.build_app`` and served by ``assistant.web.server``."""
