"""The 报告库 page: the reports, upload (preview, then confirm), replace, remove, rebuild, and the
progress of the job that runs (the page polls ``/admin/api/jobs/{id}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from assistant.admin_sessions import AdminSession
from assistant.library_jobs import Job, Jobs
from assistant.library_work import SUFFIXES, LibraryWork, UploadRefused
from assistant.web.admin.console import Console
from assistant.web.admin.security import Admin, client_ip

LIBRARY = "/admin/library"
BUSY = "另一项报告库任务正在进行，请等它完成后再试。"


def library_work(console: Console) -> LibraryWork:
    """One per app: the jobs in the shared database, the server's own model, its view reloaded when done."""
    assistant = console.assistant
    jobs = Jobs(console.database)
    return LibraryWork(
        console.settings,
        jobs,
        console.accounts,
        embedder=assistant.embedder,
        after=lambda: assistant.retriever.refresh(force=True),
    )


def library_router(console: Console) -> APIRouter:
    work = library_work(console)
    router = APIRouter(prefix="/admin", include_in_schema=False)

    def page(
        request: Request, session: AdminSession, *, error: str = "", job_id: int = 0, status: int = 200
    ) -> Response:
        context = {"title": "报告库", "active": "library", "error": error} | _library_context(console, work, job_id)
        return console.render(request, "library.html", context, session=session, status=status)

    @router.get("/library")
    def library_page(request: Request, session: Admin, job: int = 0) -> Response:
        return page(request, session, job_id=job)

    @router.post("/library/upload")
    async def upload(
        request: Request,
        session: Admin,
        file: Annotated[UploadFile, File()],
        replace: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        limit = console.settings.admin.max_upload_bytes
        content = await file.read(limit + 1)
        try:
            job_id = work.upload(file.filename or "", content, session.username, replace)
        except UploadRefused as refused:
            return page(request, session, error=refused.message, status=400)
        return RedirectResponse(f"{LIBRARY}/preview/{job_id}", status_code=303)

    @router.get("/library/preview/{job_id}")
    def preview(request: Request, session: Admin, job_id: int) -> Response:
        return _preview_page(console, request, session, _job(work.jobs, job_id))

    @router.post("/library/preview/{job_id}/confirm")
    def confirm(request: Request, session: Admin, job_id: int) -> Response:
        job = _job(work.jobs, job_id)
        if not work.confirm(job_id, session.username, client_ip(request, console)):
            error = BUSY if job.state == "preview" else "这份预览已处理过，无需再次确认。"
            return _preview_page(console, request, session, job, error=error, status=409)
        return RedirectResponse(f"{LIBRARY}?job={job_id}", status_code=303)

    @router.post("/library/preview/{job_id}/cancel")
    def cancel(session: Admin, job_id: int) -> Response:
        work.jobs.cancel(job_id)
        return RedirectResponse(LIBRARY, status_code=303)

    @router.post("/library/remove")
    def remove(request: Request, session: Admin, doc_id: Annotated[str, Form(max_length=200)]) -> Response:
        if doc_id not in {d.doc_id for d in console.assistant.library()}:
            return page(request, session, error=f"报告库中没有「{doc_id}」。", status=404)
        job_id = work.remove(doc_id, session.username, client_ip(request, console))
        return _started(request, session, page, job_id)

    @router.post("/library/rebuild")
    def rebuild(request: Request, session: Admin) -> Response:
        return _started(request, session, page, work.rebuild(session.username, client_ip(request, console)))

    @router.get("/api/jobs/{job_id}")
    def job_state(session: Admin, job_id: int) -> JSONResponse:
        return JSONResponse(_job(work.jobs, job_id).to_dict(), headers={"Cache-Control": "no-store"})

    @router.get("/api/library")
    def reports(session: Admin) -> JSONResponse:
        fields = ("doc_id", "title", "year", "format", "chunks", "origin", "added_at")
        rows = [{f: getattr(d, f) for f in fields} for d in console.assistant.library()]
        return JSONResponse(rows, headers={"Cache-Control": "no-store"})

    return router


def _job(jobs: Jobs, job_id: int) -> Job:
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(404)
    return job


def _started(request: Request, session: AdminSession, page: Any, job_id: int | None) -> Response:
    if job_id is None:
        return page(request, session, error=BUSY, status=409)
    return RedirectResponse(f"{LIBRARY}?job={job_id}", status_code=303)


def _library_context(console: Console, work: LibraryWork, job_id: int) -> dict[str, Any]:
    recent = work.jobs.recent(10)
    shown = work.jobs.get(job_id) if job_id else next((j for j in recent if not j.finished), None)
    added_by = console.accounts.added_by()
    reports = [
        {"doc": d, "by": added_by[d.doc_id].username if d.doc_id in added_by else _origin(d.origin)}
        for d in console.assistant.library()
    ]
    limit = console.settings.admin.max_upload_bytes
    return {"reports": reports, "job": shown, "recent": recent, "limit": limit, "accept": ",".join(SUFFIXES)}


def _origin(origin: str) -> str:
    return "配置文件" if origin == "corpus" else "命令行"


def _preview_page(
    console: Console, request: Request, session: AdminSession, job: Job, *, error: str = "", status: int = 200
) -> HTMLResponse:
    replacing = any(d.doc_id == job.doc_id for d in console.assistant.library())
    context = {"title": "预览", "active": "library", "job": job, "p": job.preview, "replacing": replacing}
    return console.render(request, "preview.html", context | {"error": error}, session=session, status=status)
