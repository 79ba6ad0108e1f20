"""The portal widget's files: ``/widget.js`` for any site's <script> tag, and a demo page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent / "static"
# Short enough that a fix reaches every portal page within minutes; ETag makes revalidation cheap.
_CACHE = "public, max-age=300"


def _file(name: str, media_type: str, headers: dict[str, str]) -> FileResponse:
    path = STATIC / name
    if not path.is_file():
        raise HTTPException(404)  # looked up per request: the files may be added after start-up
    return FileResponse(path, media_type=media_type, headers=headers)


def static_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/widget.js")
    async def widget_js() -> FileResponse:
        # Pages that isolate themselves (COEP) may still load the script from our origin.
        headers = {"Cache-Control": _CACHE, "Cross-Origin-Resource-Policy": "cross-origin"}
        return _file("widget.js", "text/javascript; charset=utf-8", headers)

    @router.get("/widget/demo")
    async def widget_demo() -> FileResponse:
        return _file("demo.html", "text/html; charset=utf-8", {"Cache-Control": "no-cache"})

    return router
