"""The layers point one way: core (settings, errors, types) imports nothing of ours, and index/
imports only core. A module that imports against the direction fails here, named."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"core", "index", "assistant", "ui"}
ALLOWED = {"core": {"core"}, "index": {"core", "index"}}


def imported_packages(path: Path) -> set[str]:
    """Top-level names of our packages that a module imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_is_below_it(layer: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[layer])
        for path in sorted((ROOT / layer).rglob("*.py"))
    }
    assert {module: names for module, names in wrong.items() if names} == {}


def test_the_check_sees_an_import_against_the_direction(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from assistant.chain import AnswerChain\n", encoding="utf-8")
    assert imported_packages(module) == {"assistant"}


def imported_modules(path: Path) -> set[str]:
    """Full dotted names a module imports (``from a.b import c`` gives ``a.b``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _reaches(path: Path, target: str) -> bool:
    return any(name == target or name.startswith(f"{target}.") for name in imported_modules(path))


def test_the_edges_depend_on_the_service_and_not_on_each_other() -> None:
    """Neither the page (ui/) nor the service (assistant/ but its edges) imports the HTTP edge; the CLI may,
    to serve, and in the HTTP edge only the app factory mounts the page."""
    web, cli = ROOT / "assistant" / "web", ROOT / "assistant" / "cli.py"
    below_web = [p for p in (ROOT / "assistant").rglob("*.py") if web not in p.parents and p != cli]
    page = sorted((ROOT / "ui").rglob("*.py"))
    assert page, "the page's package ui/ is not where this test looks"
    assert [str(p.relative_to(ROOT)) for p in [*page, *below_web] if _reaches(p, "assistant.web")] == []
    mounting = [str(p.relative_to(ROOT)) for p in sorted(web.rglob("*.py")) if _reaches(p, "ui")]
    assert mounting == ["assistant/web/factory.py"]


def runtime_imports(path: Path) -> set[str]:
    """Dotted modules imported when the module runs: imports under ``if TYPE_CHECKING:`` are types only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_edges_reach_the_index_only_through_the_assistant() -> None:
    """The HTTP edge, the page and the CLI call the service (and the library's admin functions); they
    never use index/ themselves at run time."""
    edges = [*(ROOT / "assistant" / "web").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "assistant" / "cli.py"]
    reaching = {
        str(p.relative_to(ROOT)): sorted(m for m in runtime_imports(p) if m == "index" or m.startswith("index."))
        for p in sorted(edges)
    }
    assert {module: names for module, names in reaching.items() if names} == {}
