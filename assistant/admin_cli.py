"""`assistant admin set-password USER | remove USER | list`: the console's accounts, from the shell.

The console (/admin) is on while at least one account exists. The password is asked twice on a
terminal (getpass, never echoed); a script pipes it on stdin:
``printf '%s\\n' "$PW" | assistant admin set-password ann``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from assistant.accounts import AccountError, Accounts
from assistant.console_db import ConsoleDatabase


def add_admin_parser(sub: Any) -> None:
    p = sub.add_parser("admin", help="accounts of the content owners' console at /admin")
    p.set_defaults(handler=cmd_admin)
    actions = p.add_subparsers(dest="admin_action", required=True)
    q = actions.add_parser("set-password", help="create an account, or change its password (asked, or read from stdin)")
    q.add_argument("username")
    q = actions.add_parser("remove", help="delete an account and end its sessions")
    q.add_argument("username")
    actions.add_parser("list", help="list the accounts")


def read_password() -> str:
    """From a terminal: asked twice, not echoed. Otherwise: the first line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("新密码 / new password: ")
    if getpass.getpass("再输入一次 / again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def cmd_admin(args: argparse.Namespace) -> int:
    from core.settings import load_settings

    accounts = Accounts(ConsoleDatabase.from_settings(load_settings(args.config)))
    try:
        return _run(args.admin_action, args, accounts)
    except AccountError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


def _run(action: str, args: argparse.Namespace, accounts: Accounts) -> int:
    if action == "list":
        names = accounts.usernames()
        print(
            "\n".join(names) if names else "no accounts: the console is off", file=sys.stdout if names else sys.stderr
        )
        return 0
    if action == "remove":
        if not accounts.remove(args.username):
            print(f"no account {args.username!r}", file=sys.stderr)
            return 1
        print(f"removed {args.username}" + ("" if accounts.any() else "; no accounts left: the console is off"))
        return 0
    created = accounts.set_password(args.username, read_password())
    print(f"{'created' if created else 'changed the password of'} {args.username}; the console is at /admin")
    return 0
