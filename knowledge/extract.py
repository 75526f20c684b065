"""Babel extractor for knowledge/data/*.yaml: every user-facing string lands in the catalogs.

Used through babel.cfg (`[extractors] knowledge_yaml = knowledge.extract:extract_yaml`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

from knowledge.loader import TRANSLATABLE_KEYS


def _walk(node: Any, key: str | None, path: str, keys: frozenset[str]) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, str(k) if key not in keys else key, f"{path}.{k}", keys)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, key, f"{path}[{i}]", keys)
    elif isinstance(node, str) and key in keys:
        yield node, path


def extract_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yields (lineno, funcname, message, comments) as Babel expects; the path is the comment.

    The data files speak to everyone: they belong to the T() catalog, not the staff one. A file's
    section in babel.cfg may narrow the keys (`keys = name`: sources.yaml's titles are for staff)."""
    if "T" not in keywords:
        return
    keys = frozenset(options["keys"].split()) if options.get("keys") else TRANSLATABLE_KEYS
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    for message, path in _walk(data, None, "", keys):
        yield 0, "", message, [path.lstrip(".")]
