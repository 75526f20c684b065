"""The layers flow one way (bot -> dialogs -> knowledge; queries at the bottom of bot/): each
module's imports, read from its source, stay inside what its layer may use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# folder -> the top-level modules (or dotted prefixes) it must not import
FORBIDDEN = {
    "knowledge": ("bot", "dialogs", "aiogram", "sqlalchemy", "redis"),
    "dialogs": ("bot", "aiogram", "sqlalchemy", "redis"),
    "bot/db": ("dialogs", "bot.services", "bot.handlers"),
    "bot/services": ("bot.handlers", "aiogram"),
}
ALLOWED: set[tuple[str, str]] = set()  # known exceptions (file, module), each with its reason: none


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_is_below_it(folder: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in sorted(imported(path))
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[folder])
        and (str(path.relative_to(ROOT)), name) not in ALLOWED
    ]
    assert wrong == []


def test_only_the_modes_service_changes_where_typed_text_goes() -> None:
    """User.mode is written in bot/services/modes.py alone (and defaulted by the database layer)."""
    writers = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        where = str(path.relative_to(ROOT))
        if where == "bot/services/modes.py" or where.startswith("bot/db/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(t, ast.Attribute) and t.attr == "mode":
                        writers.append(f"{where}:{node.lineno}")
            if isinstance(node, ast.Call) and any(k.arg == "mode" for k in node.keywords):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
                if name == "update":
                    writers.append(f"{where}:{node.lineno}")
    assert writers == []


def _is_session(node: ast.expr) -> bool:
    """``session``, ``self.session`` or ``data["session"]``: the update's database session."""
    if isinstance(node, ast.Name):
        return node.id == "session"
    if isinstance(node, ast.Attribute):
        return node.attr == "session"
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "session"


def test_queries_live_in_the_database_layer() -> None:
    """Queries live in bot/db (repositories), nowhere else in bot/ (services, handlers, the
    metrics, the health check): no statement builder imported from SQLAlchemy and no
    session.execute/scalar/get outside it (adding, deleting and committing objects is not a query)."""
    builders = {"select", "update", "delete", "insert", "text", "func", "and_", "or_"}
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        where = str(path.relative_to(ROOT))
        if where.startswith("bot/db/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                found += [f"{where}: imports {a.name}" for a in node.names if a.name in builders]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "scalar", "scalars", "get")
                and _is_session(node.func.value)
            ):
                found.append(f"{where}:{node.lineno}: session.{node.func.attr}")
    assert found == []
