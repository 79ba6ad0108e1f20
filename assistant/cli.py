"""`assistant` command line: index [add|remove|rebuild|list], search, ask, chat, eval, serve, unanswered, admin.

The edge where errors become messages: Chinese for the user, English detail for the operator,
a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from core.errors import AssistantError

Handler = Callable[[argparse.Namespace], int]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from core.settings import load_settings

    return load_settings(args.config)


def _assistant(args: argparse.Namespace, build: bool = True, settings=None):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    # The command line is the operators' tool: its refusals are not citizens' unanswered questions.
    return Assistant.from_settings(
        settings or _settings(args), build=build, progress=_progress, record_unanswered=False
    )


def cmd_index(args: argparse.Namespace) -> int:
    """`index` alone syncs with config.yaml's corpus; `index add|remove|rebuild|list` manage the library."""
    from assistant.library_admin import change_library, list_reports

    settings = _settings(args)
    action = args.action or "sync"
    if action == "list":
        return _print_library(list_reports(settings), args.json)
    files = [Path(f) for f in getattr(args, "files", None) or []]
    doc_ids = getattr(args, "doc_ids", None)
    report = change_library(settings, action, files=files, doc_ids=doc_ids, progress=_progress)  # type: ignore[arg-type]
    print(report.summary())
    return 0


def _print_library(documents: list, as_json: bool) -> int:  # type: ignore[type-arg]
    if as_json:
        fields = ("doc_id", "title", "year", "date", "source_line", "format", "origin", "chunks", "added_at")
        rows = [{f: getattr(d, f) for f in fields} for d in documents]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not documents:
        print("the library is empty: run `assistant index` or `assistant index add FILE`", file=sys.stderr)
    for d in documents:
        print(f"{d.doc_id}\t{d.year or '-'}\t{d.chunks} chunks\t{d.format}\t{d.origin}\t{d.title}")
        if d.source_line:
            print(f"\t{d.source_line}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    passages = _assistant(args, build=not args.no_build).search(args.query, args.k, args.doc)
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return 0
    for n, p in enumerate(passages, start=1):
        where = f"period {p.period or '-'}, ¶{p.paragraph}, {p.start}-{p.end}"
        print(f"[{n}] score={p.score:.3f}  {p.doc} › {p.section}  ({where})")
        print(f"    {p.text}\n")
    return 0


def _print_answer(answer, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    if answer.notice:
        print(f"（{answer.notice}）")
    print(answer.text)
    for c in answer.citations:
        print(f"  [{c.n}] {c.section}（{c.period or '总述'}，第{c.paragraph}段，字符 {c.start}-{c.end}）")
        print(f"      {c.quote or c.text}")


def cmd_ask(args: argparse.Namespace) -> int:
    """Each question is a turn of one conversation; every answer is printed."""
    from assistant.guard import clean_question
    from core.types import Message

    settings = _settings(args)
    for question in args.questions:  # fail fast, before the model loads
        clean_question(question, settings.limits)
    assistant = _assistant(args, settings=settings)
    messages: list[Message] = []
    for question in args.questions:
        messages.append(Message("user", question))
        answer = assistant.answer(messages, args.doc)
        messages.append(Message("assistant", answer.text))
        if len(args.questions) > 1 and not args.json:
            print(f"问：{question}")
        _print_answer(answer, args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from core.types import Message

    assistant = _assistant(args)
    print("请输入关于报告的问题（空行或 Ctrl-D 退出）：")
    messages: list[Message] = []
    while True:
        try:
            question = input("问> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        try:
            answer = assistant.answer([*messages, Message("user", question)])
        except AssistantError as exc:
            print(exc.user_message)
            continue
        messages += [Message("user", question), Message("assistant", answer.text)]
        _print_answer(answer, as_json=False)


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluate import evaluate, format_table, to_json

    report = evaluate(Path(args.file), _assistant(args), args.doc)
    print(format_table(report))
    if args.json:
        Path(args.json).write_text(to_json(report), encoding="utf-8")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web.server import serve

    settings = _settings(args)
    workers = args.workers or settings.server.workers
    serve(settings, args.config, args.host, args.port, workers=workers, ui=not args.no_ui, progress=_progress)
    return 0


def cmd_unanswered(args: argparse.Namespace) -> int:
    """What citizens asked that the report could not answer, newest first, for the report's owners."""
    from dataclasses import asdict

    from assistant.feedback import FeedbackStore

    rows = FeedbackStore.from_settings(_settings(args)).unanswered(args.limit)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    elif not rows:
        print("no unanswered questions yet", file=sys.stderr)
    for row in [] if args.json else rows:
        print(f"{row.created_at}  {row.question}" + (f"  ({row.reason})" if row.reason else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Ask what the report says, in Chinese.")
    parser.add_argument("--config", type=Path, default=None, help="settings file (default: config.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the chain does")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="sync the index with config.yaml, or manage the library of reports")
    p.set_defaults(handler=cmd_index, action=None)
    actions = p.add_subparsers(dest="action")
    q = actions.add_parser("add", help="add reports (.txt .md .docx .pdf .html), or replace those with the same id")
    q.add_argument("files", nargs="+", metavar="FILE")
    q = actions.add_parser("remove", help="remove reports by id (see `index list`)")
    q.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    actions.add_parser("rebuild", help="chunk and embed every report again, then swap it in")
    q = actions.add_parser("list", help="list the reports in the index")
    q.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="show the passages retrieved for a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-build", action="store_true", help="fail instead of building a missing index")
    p.add_argument("--doc", help="search one report only (an id from `index list`)")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("ask", help="answer one question (several: one conversation)")
    p.add_argument("questions", nargs="+", metavar="question")
    p.add_argument("--json", action="store_true", help='print {"answer", "citations", "refused"}')
    p.add_argument("--doc", help="ask one report only (an id from `index list`)")
    p.set_defaults(handler=cmd_ask)

    sub.add_parser("chat", help="ask questions in the terminal").set_defaults(handler=cmd_chat)

    p = sub.add_parser("eval", help="measure retrieval and answers on a question set (.jsonl)")
    p.add_argument("file")
    p.add_argument("--json", metavar="OUT", help="also write the figures and items as JSON")
    p.add_argument("--doc", help="ask every question of one report of the library")
    p.set_defaults(handler=cmd_eval)

    p = sub.add_parser("serve", help="start the web page, widget and API")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--no-ui", action="store_true", help="serve the API, the widget and the report pages only")
    p.add_argument(
        "--workers", type=int, default=None, help="server processes (default server.workers); >1 needs store.mode http"
    )
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("unanswered", help="list questions the report could not answer")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_unanswered)

    from assistant.admin_cli import add_admin_parser

    add_admin_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    handler: Handler = args.handler
    try:
        return handler(args)
    except AssistantError as exc:
        print(f"错误：{exc.user_message}", file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
