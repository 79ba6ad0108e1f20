"""The console over real HTTP on loopback: login, cookies, the failed-login limit, logout, and a report
uploaded, previewed, confirmed and followed to the end, then served by the public API."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from admin_support import PASSWORD, USER, add_account, log_in, logged_in, login_form_token

TESTS = Path(__file__).resolve().parents[1]
QINGHE = TESTS / "data" / "fictional-qinghe-county-2024.txt"


def session_cookie_header(reply: httpx.Response) -> str:
    return next(h for h in reply.headers.get_list("set-cookie") if h.startswith("admin_session="))


def test_the_session_cookie_is_httponly_strict_and_secure_behind_https(serve: Any, hash_settings: Any) -> None:
    add_account(hash_settings)
    url = serve()
    with httpx.Client(base_url=url) as client:
        reply = log_in(client)
        assert reply.status_code == 303 and reply.headers["location"] == "/admin/library"
        cookie = session_cookie_header(reply).lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
        assert "secure" not in cookie  # plain http on loopback: a Secure cookie would never come back
    behind_proxy = serve(admin={"trust_proxy_headers": True})
    with httpx.Client(base_url=behind_proxy, headers={"X-Forwarded-Proto": "https"}) as client:
        token = login_form_token(client)
        # The proxy spoke https to the browser: the cookies are Secure, so this http client must be handed them.
        cookie = f"admin_login_csrf={client.cookies.get('admin_login_csrf')}"
        data = {"username": USER, "password": PASSWORD, "csrf_token": token}
        reply = client.post("/admin/login", data=data, headers={"Cookie": cookie})
        assert reply.status_code == 303 and "; secure" in session_cookie_header(reply).lower()


def test_console_pages_are_private_and_never_cached(serve: Any, hash_settings: Any) -> None:
    add_account(hash_settings)
    with logged_in(serve()) as (client, _token):
        page = client.get("/admin/library")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_failed_logins_are_refused_logged_and_limited(
    serve: Any, hash_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    add_account(hash_settings)
    url = serve(admin={"login_attempts": 3})
    caplog.set_level(logging.WARNING, logger="assistant.admin")
    with httpx.Client(base_url=url) as client:
        for _ in range(3):
            wrong = log_in(client, password="not the password")
            assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
            assert "admin_session" not in wrong.headers.get("set-cookie", "")
        blocked = log_in(client)  # the right password, too late
        assert blocked.status_code == 429 and "登录失败次数过多" in blocked.text
    assert sum("console login failed for 'ann'" in r.getMessage() for r in caplog.records) == 3
    assert any("too many failed attempts" in r.getMessage() for r in caplog.records)


def test_the_login_form_needs_its_token_and_only_goes_back_into_the_console(serve: Any, hash_settings: Any) -> None:
    add_account(hash_settings)
    url = serve()
    with httpx.Client(base_url=url) as client:
        forged = client.post("/admin/login", data={"username": USER, "password": PASSWORD, "csrf_token": "x"})
        assert forged.status_code == 403
        token = login_form_token(client)
        data = {"username": USER, "password": PASSWORD, "csrf_token": token, "next": "//evil.example/admin/"}
        assert client.post("/admin/login", data=data).headers["location"] == "/admin/library"


def test_logout_ends_the_session_on_the_server(serve: Any, hash_settings: Any) -> None:
    accounts = add_account(hash_settings)
    url = serve()
    with logged_in(url) as (client, token):
        stolen = dict(client.cookies)
        out = client.post("/admin/logout", data={"csrf_token": token})
        assert out.status_code == 303 and out.headers["location"] == "/admin/login"
    with httpx.Client(base_url=url, cookies=stolen) as replay:
        assert replay.get("/admin/library").status_code == 303  # the old cookie no longer opens anything
    assert [e.action for e in accounts.audit_log(2)] == ["logout", "login"]


def wait_for_job(client: httpx.Client, job_id: str, timeout: float = 60.0) -> list[dict[str, Any]]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/admin/api/jobs/{job_id}").json()
        seen.append(state)
        if state["finished"]:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {seen[-1]}")


def test_a_report_is_previewed_confirmed_and_then_served(serve: Any, hash_settings: Any) -> None:
    add_account(hash_settings)
    url = serve()
    with logged_in(url) as (client, token):
        files = {"file": ("青禾县2024年工作报告.txt", QINGHE.read_bytes(), "text/plain")}
        uploaded = client.post("/admin/library/upload", data={"csrf_token": token}, files=files)
        assert uploaded.status_code == 303
        preview = client.get(uploaded.headers["location"])
        assert "（一）经济运行稳中向好" in preview.text and "186.4亿元" in preview.text
        assert "青禾县2024年工作报告" not in httpx.get(f"{url}/api/documents").text  # not live before confirming
        job_id = uploaded.headers["location"].rsplit("/", 1)[1]
        confirmed = client.post(f"/admin/library/preview/{job_id}/confirm", headers={"X-CSRF-Token": token})
        assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/admin/library?job={job_id}"
        states = wait_for_job(client, job_id)
        assert states[-1]["state"] == "done" and states[-1]["progress"] == 100
        assert [s["progress"] for s in states] == sorted(s["progress"] for s in states)
        library = client.get("/admin/library").text
        assert "青禾县2024年工作报告" in library and f">{USER}<" in library  # who added it
    documents = httpx.get(f"{url}/api/documents").json()
    assert "青禾县2024年工作报告" in str(documents)


def test_a_bad_file_gets_a_chinese_message_and_leaves_the_library(serve: Any, hash_settings: Any) -> None:
    add_account(hash_settings)
    url = serve(admin={"max_upload_bytes": 4096})
    before = httpx.get(f"{url}/api/documents").json()
    with logged_in(url) as (client, token):
        for name, content, says in [
            ("报告.docx", b"this is not a docx", "报告文件已损坏或格式有误"),
            ("报告.xlsx", b"PK", "不支持「.xlsx」格式"),
            ("报告.txt", "正文".encode() * 2000, "文件太大"),
        ]:
            reply = client.post("/admin/library/upload", data={"csrf_token": token}, files={"file": (name, content)})
            assert reply.status_code == 400 and says in reply.text, name
            assert "在线的报告库没有任何改动" in reply.text or "文件太大" in reply.text or "不支持" in reply.text
    assert httpx.get(f"{url}/api/documents").json() == before


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(serve: Any, hash_settings: Any) -> None:
    add_account(hash_settings)
    url = serve(admin={"max_upload_bytes": 4096})
    with logged_in(url) as (client, token):
        big = {"file": ("报告.txt", b"x" * 200_000)}
        reply = client.post("/admin/library/upload", data={"csrf_token": token}, files=big)
    assert reply.status_code == 413
