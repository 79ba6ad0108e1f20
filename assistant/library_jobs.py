"""Library jobs (add, remove, rebuild) as rows of the shared database: any worker can show their progress.

An upload waits as a ``preview`` job (the file and how it was split) until someone confirms it; then it
runs. One job runs at a time across every worker: ``claim`` moves a job to ``running`` in one UPDATE
that checks no other live job runs. A running job's row is touched at least every few seconds; one
untouched for ``STALE_SECONDS`` belonged to a process that died, and no longer blocks the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from assistant.console_db import ConsoleDatabase, jobs_table, now

Kind = Literal["add", "remove", "rebuild"]
State = Literal["preview", "waiting", "running", "done", "failed", "cancelled"]
STALE_SECONDS = 300.0
FINAL = ("done", "failed", "cancelled")
_SUMMARY = [c for c in jobs_table.c if c.name != "content"]  # the file stays in the database unless asked for


@dataclass(frozen=True)
class Job:
    id: int
    kind: Kind
    state: State
    doc_id: str
    filename: str
    preview: dict[str, Any]
    progress: float
    message: str
    created_by: str
    created_at: float
    updated_at: float

    @property
    def finished(self) -> bool:
        return self.state in FINAL

    def to_dict(self) -> dict[str, Any]:
        """What the page's progress bar reads."""
        keys = ("id", "kind", "state", "doc_id", "filename", "progress", "message", "finished")
        return {key: getattr(self, key) for key in keys}


def _job(row: Any) -> Job:
    values = dict(row._asdict())
    values["preview"] = json.loads(values["preview"]) if values["preview"] else {}
    if values["state"] == "running" and now() - values["updated_at"] > STALE_SECONDS:
        values.update(state="failed", message="任务已中断（服务器可能重启过），请重新操作。")
    return Job(**values)


class Jobs:
    def __init__(self, database: ConsoleDatabase) -> None:
        self.database = database

    def stage(self, kind: Kind, user: str, *, doc_id: str = "", filename: str = "", **extra: Any) -> int:
        """A new job, waiting: ``preview`` with ``content`` and ``preview`` for an upload."""
        moment, preview = now(), extra.pop("preview", None)
        values: dict[str, Any] = {"kind": kind, "state": "preview" if preview is not None else "waiting"}
        values |= {"doc_id": doc_id}
        values |= {"filename": filename, "created_by": user, "created_at": moment, "updated_at": moment}
        values |= {"preview": json.dumps(preview, ensure_ascii=False) if preview is not None else "", **extra}

        def insert(db: Connection) -> int:
            key = db.execute(jobs_table.insert().values(**values)).inserted_primary_key
            return int(key[0]) if key else 0

        return self.database.run(insert)

    def get(self, job_id: int) -> Job | None:
        query = sa.select(*_SUMMARY).where(jobs_table.c.id == job_id)
        row = self.database.run(lambda db: db.execute(query).first())
        return _job(row) if row is not None else None

    def content(self, job_id: int) -> bytes | None:
        query = sa.select(jobs_table.c.content).where(jobs_table.c.id == job_id)
        return self.database.run(lambda db: db.execute(query).scalar_one_or_none())

    def claim(self, job_id: int) -> bool:
        """Start the job unless another one is running (on any worker); True when it is now running."""
        moment = now()
        other = jobs_table.alias("other")
        busy = sa.exists().where(other.c.state == "running", other.c.updated_at > moment - STALE_SECONDS)
        waiting = jobs_table.c.state.in_(("preview", "waiting"))
        update = jobs_table.update().where(jobs_table.c.id == job_id, waiting, ~busy)
        update = update.values(state="running", progress=0.0, message="排队完成，即将开始…", updated_at=moment)
        return bool(self.database.run(lambda db: db.execute(update).rowcount))

    def report(self, job_id: int, progress: float, message: str) -> None:
        values = {"progress": max(0.0, min(progress, 100.0)), "message": message, "updated_at": now()}
        update = jobs_table.update().where(jobs_table.c.id == job_id, jobs_table.c.state == "running").values(values)
        self.database.run(lambda db: db.execute(update))

    def finish(self, job_id: int, state: State, message: str) -> None:
        """A final state; the uploaded file is dropped (the library keeps the report's text)."""
        values: dict[str, Any] = {"state": state, "message": message, "updated_at": now(), "content": None}
        if state == "done":
            values["progress"] = 100.0
        update = jobs_table.update().where(jobs_table.c.id == job_id).values(values)
        self.database.run(lambda db: db.execute(update))

    def cancel(self, job_id: int) -> bool:
        """Drop a job nobody started (a preview not confirmed)."""
        update = jobs_table.update().where(jobs_table.c.id == job_id, jobs_table.c.state.in_(("preview", "waiting")))
        update = update.values(state="cancelled", message="已取消。", content=None, updated_at=now())
        return bool(self.database.run(lambda db: db.execute(update).rowcount))

    def recent(self, limit: int = 10) -> list[Job]:
        """The latest jobs that ran or run, newest first (not previews nobody confirmed)."""
        query = sa.select(*_SUMMARY).where(jobs_table.c.state.in_(("running", "done", "failed")))
        query = query.order_by(jobs_table.c.id.desc()).limit(limit)
        return [_job(row) for row in self.database.run(lambda db: list(db.execute(query)))]
