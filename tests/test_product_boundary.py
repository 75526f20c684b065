"""The product (bot, dialogs, knowledge) ships and runs without the development tools beside it:
emulator/ and demo/ are neither in the distribution nor in the image, and nothing of the product
imports them; the emulator, in turn, imports nothing of the product."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("bot", "dialogs", "knowledge")
TOOLS = ("emulator", "demo", "tests", "bench")
# A shipped file that names the tools: an import of them, or the emulator's own code.
TOOL_CODE = re.compile(r"^\s*(from|import)\s+(emulator|demo|tests|bench)\b|class BotAPIEmulator\b", re.M)


def run_blocked(blocked: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    """Runs ``code`` with ``blocked`` made unimportable (an import of them raises ImportError)."""
    prelude = f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def wheel_packages() -> list[str]:
    """The packages pyproject's [tool.setuptools.packages.find] selects, found as setuptools finds them:
    folders with an __init__.py, descending only into packages, kept when a name matches an include
    pattern and no exclude pattern."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    found: list[str] = []
    todo = [path for path in ROOT.iterdir() if (path / "__init__.py").is_file()]
    while todo:
        folder = todo.pop()
        name = ".".join(folder.relative_to(ROOT).parts)
        todo += [path for path in folder.iterdir() if (path / "__init__.py").is_file()]
        included = any(fnmatchcase(name, pattern) for pattern in config["include"])
        if included and not any(fnmatchcase(name, pattern) for pattern in config.get("exclude", ())):
            found.append(name)
    return found


def shipped_files(dirs: list[Path]) -> list[Path]:
    return sorted(path for folder in dirs for path in folder.rglob("*.py"))


def test_the_distribution_holds_the_product_and_not_the_tools() -> None:
    packages = wheel_packages()
    assert {name.split(".")[0] for name in packages} == set(PRODUCT)
    files = shipped_files([ROOT / name.replace(".", "/") for name in packages])
    assert files
    assert [str(p.relative_to(ROOT)) for p in files if TOOL_CODE.search(p.read_text())] == []


def test_the_image_copies_the_product_and_not_the_tools() -> None:
    containerfile = (ROOT / "deploy" / "Containerfile").read_text()
    copied = [
        line.split()[1] for line in containerfile.splitlines() if line.startswith("COPY ") and len(line.split()) == 3
    ]
    assert set(copied) == {*PRODUCT, "locales"}
    files = shipped_files([ROOT / name for name in copied])
    assert [str(p.relative_to(ROOT)) for p in files if TOOL_CODE.search(p.read_text())] == []


def test_every_product_module_imports_with_the_tools_blocked() -> None:
    # Migrations are scripts alembic runs, not imports; everything else is imported, entry points included.
    code = (
        "import importlib, pkgutil\n"
        f"for top in {PRODUCT!r}:\n"
        "    package = importlib.import_module(top)\n"
        "    for info in pkgutil.walk_packages(package.__path__, top + '.'):\n"
        "        if '.migrations' not in info.name:\n"
        "            importlib.import_module(info.name)\n"
        "import bot.__main__, bot.app, bot.web\n"
        "bot.__main__.main(['--help'])\n"
    )
    result = run_blocked(TOOLS, code)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "run" in result.stdout and "demo" not in result.stdout


def test_the_emulator_imports_nothing_of_the_product() -> None:
    result = run_blocked(PRODUCT, "import emulator, emulator.server, emulator.chat, emulator.html\n")
    assert result.returncode == 0, result.stderr[-3000:]
