"""The four rooms' doors: web on top; index and speech use search; search imports
none of them; index and speech never import each other (docs/architecture.md, "Layout").
Inside search/ and web/, their rooms stand in the order each __init__.py gives.
Read from the source (every import, at module level, in functions, or for type
checking only), so a wrong-way import fails here before it is ever run."""

from __future__ import annotations

import ast
import importlib
import pickle
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ROOMS = ("search", "index", "speech", "web")
MAY_IMPORT = {
    "search": set(),
    "index": {"search"},
    "speech": {"search"},
    "web": {"search", "index", "speech"},
}
# Inner rooms, lowest first: each imports only those before it. Modules beside
# them serve every room; the front (the rest) may import any.
INNER_ROOMS = {
    "search": ("language", "names", "storage", "meaning", "query", "ranking", "results"),
    "web": ("plumbing", "pages", "listening", "admin", "serving"),
}
BESIDE = {
    "search": {"article", "durable", "paths", "progress"},
    "web": {"state"},
}


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The modules of the project `path` imports, by full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # a module or a name in one
    return {name for name in found if name.split(".")[0] in ROOMS}


def _names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return {node.module}
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    return set()


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run when the module loads, `if TYPE_CHECKING:` and `try:` blocks
    included; a function's body is not (an import there is deliberate laziness)."""
    out = []
    for node in body:
        out.append(node)
        if isinstance(node, (ast.If, ast.Try)):
            out.extend(_module_level(node.body + node.orelse + getattr(node, "finalbody", [])))
    return out


def _sources(room: str) -> list[Path]:
    return sorted((REPO / room).rglob("*.py"))


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_imports_only_the_rooms_below_it(room: str) -> None:
    wrong = [
        f"{_module(path)} imports {name}"
        for path in _sources(room)
        for name in sorted(_imports(path))
        if name.split(".")[0] not in MAY_IMPORT[room] | {room}
    ]
    assert not wrong, wrong


def test_no_two_modules_import_each_other_at_load_time() -> None:
    """A cycle (as index/crawl/fetch.py and robots.py had) means a concept lives in the wrong module."""
    graph: dict[str, set[str]] = {}
    for room in ROOMS:
        for path in _sources(room):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            top = {name for node in _module_level(tree.body) for name in _names(node)}
            graph[_module(path)] = {name for name in top if name.split(".")[0] in ROOMS}
    pairs = sorted({
        tuple(sorted((a, b))) for a, targets in graph.items() for b in targets if a != b and a in graph.get(b, set())
    })
    assert not pairs, pairs


def _inner_room(module: str) -> str | None:
    """`search.query.plan` -> `query`; None for a module beside the rooms or on top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in INNER_ROOMS.get(parts[0], ()) else None


@pytest.mark.parametrize("room", sorted(INNER_ROOMS))
def test_an_inner_room_imports_only_the_rooms_before_it(room: str) -> None:
    order = INNER_ROOMS[room]
    wrong = []
    for path in _sources(room):
        module = _module(path)
        inner = _inner_room(module)
        if inner is None:
            continue
        for name in sorted(_imports(path)):
            parts = name.split(".")
            if parts[0] != room or len(parts) < 2 or parts[1] in BESIDE[room]:
                continue
            target = _inner_room(name)
            if target is None or order.index(target) > order.index(inner):
                wrong.append(f"{module} imports {name}")
    assert not wrong, wrong


def test_indexes_built_before_the_rooms_still_open() -> None:
    """Their schemas name the analyzers' module as it was: search.analysis."""
    importlib.import_module("search.storage.schema")  # what every opening of an index loads
    from search.language.analysis import SyllableTokenizer

    assert pickle.loads(b"csearch.analysis\nSyllableTokenizer\n.") is SyllableTokenizer
