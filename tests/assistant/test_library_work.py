"""The console's library jobs: preview without touching the library, one job at a time, progress, failure."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from assistant import library_jobs
from assistant.accounts import Accounts
from assistant.console_db import ConsoleDatabase
from assistant.library_admin import list_reports, preview_report
from assistant.library_jobs import Job, Jobs
from assistant.library_work import LibraryWork, UploadRefused, report_id
from core.errors import CorpusError

TESTS = Path(__file__).resolve().parents[1]
QINGHE = TESTS / "data" / "fictional-qinghe-county-2024.txt"


@pytest.fixture()
def work(hash_settings: Any, hash_assistant: Any) -> LibraryWork:
    database = ConsoleDatabase.from_settings(hash_settings)
    accounts = Accounts(database, rounds=4)
    return LibraryWork(hash_settings, Jobs(database), accounts, embedder=hash_assistant.embedder)


def wait(jobs: Jobs, job_id: int, timeout: float = 60.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = jobs.get(job_id)
        assert job is not None
        if job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_the_preview_is_the_split_an_add_would_make(hash_settings: Any) -> None:
    preview = preview_report(hash_settings, QINGHE)
    assert preview.doc_id == "fictional-qinghe-county-2024" and preview.year == 2024
    assert preview.format == "txt" and preview.paragraphs >= 20
    assert [h.title for h in preview.outline][:2] == ["一、2024年工作回顾", "（一）经济运行稳中向好"]
    assert preview.outline[0].level == 1 and preview.outline[1].level == 2
    assert any("186.4亿元" in c.text for c in preview.chunks)


def test_a_file_with_nothing_to_index_is_refused(hash_settings: Any, tmp_path: Path) -> None:
    empty = tmp_path / "title-only.txt"
    empty.write_text("只有标题\n", encoding="utf-8")
    with pytest.raises(CorpusError):
        preview_report(hash_settings, empty)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.exe", b"MZ", "不支持「.exe」格式"),
        ("report.txt", b"", "文件是空的"),
        ("report.docx", b"not a zip", "无法上线：报告文件已损坏或格式有误"),
        ("report.txt", b"\x00\x01binary", "无法上线"),
        ("report.pdf", b"%PDF-1.4 broken", "无法上线"),
    ],
)
def test_bad_uploads_get_a_chinese_reason_and_change_nothing(
    work: LibraryWork, hash_settings: Any, name: str, content: bytes, says: str
) -> None:
    before = list_reports(hash_settings)
    with pytest.raises(UploadRefused) as refused:
        work.upload(name, content, "ann")
    assert says in refused.value.message
    assert list_reports(hash_settings) == before


def test_uploads_over_the_size_limit_are_refused(work: LibraryWork, hash_settings: Any) -> None:
    limit = hash_settings.admin.max_upload_bytes
    with pytest.raises(UploadRefused, match="文件太大"):
        work.upload("big.txt", b"x" * (limit + 1), "ann")


def test_file_names_become_safe_report_ids() -> None:
    assert report_id("青禾县2024年工作报告.docx") == "青禾县2024年工作报告"
    assert report_id("C:\\Users\\ann\\报告.pdf") == "报告"
    for bad in (".hidden.txt", "a<b>.txt", "x" * 130 + ".txt"):
        with pytest.raises(UploadRefused):
            report_id(bad)


def test_an_upload_goes_live_only_when_confirmed(work: LibraryWork, hash_settings: Any, hash_assistant: Any) -> None:
    job_id = work.upload("青禾县.txt", QINGHE.read_bytes(), "ann")
    job = work.jobs.get(job_id)
    assert job is not None and job.state == "preview" and job.preview["doc_id"] == "青禾县"
    assert "青禾县" not in {d.doc_id for d in list_reports(hash_settings)}
    assert work.confirm(job_id, "ann", "10.0.0.1")
    done = wait(work.jobs, job_id)
    assert (done.state, done.progress) == ("done", 100.0), done.message
    assert "青禾县" in {d.doc_id for d in list_reports(hash_settings)}
    assert work.accounts.added_by()["青禾县"].username == "ann"
    assert work.jobs.content(job_id) is None  # the file is not kept once the library has the report
    assert not work.confirm(job_id, "ann")  # confirmed once only


def test_one_job_runs_at_a_time(work: LibraryWork, monkeypatch: pytest.MonkeyPatch) -> None:
    first = work.jobs.stage("rebuild", "ann")
    second = work.jobs.stage("rebuild", "bob")
    assert work.jobs.claim(first)
    assert not work.jobs.claim(second)
    assert work.rebuild("bob") is None  # refused, not queued behind
    monkeypatch.setattr(library_jobs, "now", lambda: time.time() + library_jobs.STALE_SECONDS + 1)
    assert work.jobs.get(first).state == "failed"  # type: ignore[union-attr]  # its process died
    assert work.jobs.claim(second)


def test_removing_a_report_runs_as_a_job(work: LibraryWork, hash_settings: Any) -> None:
    added = work.upload("extra.txt", QINGHE.read_bytes(), "ann")
    assert work.confirm(added, "ann")
    wait(work.jobs, added)
    removal = work.remove("extra", "ann")
    assert removal is not None and wait(work.jobs, removal).state == "done"
    assert "extra" not in {d.doc_id for d in list_reports(hash_settings)}
    assert [e.action for e in work.accounts.audit_log(2)] == ["remove", "add"]


def test_a_failing_job_leaves_the_live_library_as_it_was(
    work: LibraryWork, hash_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = list_reports(hash_settings)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(work.embedder, "embed_passages", broken)
    job_id = work.upload("青禾县.txt", QINGHE.read_bytes(), "ann")
    assert work.confirm(job_id, "ann")
    failed = wait(work.jobs, job_id)
    assert failed.state == "failed" and "在线的报告库没有任何改动" in failed.message
    assert list_reports(hash_settings) == before


def test_a_replacement_keeps_the_id_it_replaces(work: LibraryWork, hash_settings: Any) -> None:
    with pytest.raises(UploadRefused, match="无法替换"):
        work.upload("new.txt", QINGHE.read_bytes(), "ann", replace="no-such-report")
    job_id = work.upload("any-name.txt", QINGHE.read_bytes(), "ann", replace="songyuan-2023-plenary-report")
    job = work.jobs.get(job_id)
    assert job is not None and job.doc_id == "songyuan-2023-plenary-report"
    assert work.confirm(job_id, "ann") and wait(work.jobs, job_id).state == "done"
    replaced = {d.doc_id: d for d in list_reports(hash_settings)}["songyuan-2023-plenary-report"]
    assert "青禾" in replaced.title
    assert [e.action for e in work.accounts.audit_log(1)] == ["replace"]
