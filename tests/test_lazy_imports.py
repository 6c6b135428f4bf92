"""Imports inside functions keep start-up light: each one must keep a module off the
import of the module it sits in. One whose module is loaded anyway is only noise for a
reader, and belongs at the top."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nomadspot

PACKAGE = Path(nomadspot.__file__).parent


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if package else parts), package


def _needed(node: ast.Import | ast.ImportFrom, module: str, package: bool) -> set[str]:
    """The modules an import statement loads (a name imported from a module is not one)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = node.module or ""
    if node.level:
        parent = module.split(".") if package else module.split(".")[:-1]
        parent = parent[: len(parent) - (node.level - 1)]
        base = ".".join([*parent, *([node.module] if node.module else [])])
    return {base} | {f"{base}.{a.name}" for a in node.names if _is_module(f"{base}.{a.name}")}


def function_imports(files: list[Path], root: Path) -> dict[str, list[tuple[int, set[str]]]]:
    """Module -> (line, modules it loads) of each import statement inside a function of
    ``files`` (modules named from ``root``, the folder on ``sys.path``)."""
    found: dict[str, list[tuple[int, set[str]]]] = {}
    for path in files:
        module, package = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {  # a set: an import in a nested function is inside its outer one too
            node
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
            if isinstance(node, ast.Import | ast.ImportFrom)
        }
        for node in sorted(inside, key=lambda node: node.lineno):
            found.setdefault(module, []).append((node.lineno, _needed(node, module, package)))
    return found


def needless_imports(files: list[Path], root: Path) -> list[str]:
    """The imports inside functions whose modules are loaded anyway with their module
    (imported in a fresh interpreter, from ``root``)."""
    imports = function_imports(files, root)

    def loaded_by(module: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", f"import sys, {module}; print(*sys.modules)"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=root,
        )
        return set(done.stdout.split())

    with ThreadPoolExecutor(max_workers=4) as pool:
        loaded = dict(zip(imports, pool.map(loaded_by, imports), strict=True))
    return [
        f"{module}:{line} imports {', '.join(sorted(needed))}, loaded with {module} anyway"
        for module, statements in imports.items()
        for line, needed in statements
        if needed <= loaded[module]
    ]


def test_every_import_in_a_function_keeps_a_module_off_its_module() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert function_imports(files, PACKAGE.parent), "the check must see the lazy imports"
    assert needless_imports(files, PACKAGE.parent) == []


def test_the_check_finds_a_needless_import(tmp_path: Path) -> None:
    """On a made-up module: its own ``os`` is loaded with it, ``zipfile`` is not."""
    module = tmp_path / "made_up.py"
    module.write_text("import os\n\ndef a():\n    import os\n\ndef b():\n    import zipfile\n")
    assert needless_imports([module], tmp_path) == [
        "made_up:4 imports os, loaded with made_up anyway"
    ]
