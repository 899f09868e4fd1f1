"""Imports point one way, and always through the fincorpus namespace."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "scrapers", "nlp", "annotations")
# Leaf modules of corpus/ that import nothing of ours: any package may use them.
SHARED_LEAVES = {"fincorpus.corpus.model", "fincorpus.corpus.errors", "fincorpus.corpus.cells"}
ALLOWED = {
    "scrapers": {"fincorpus.scrapers"},
    "nlp": {"fincorpus.nlp"},
    "annotations": {"fincorpus.annotations", "fincorpus.nlp"},
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (REPO / folder).rglob("*.py")]


@pytest.mark.parametrize("path", _sources(*PACKAGES, "tests", "benchmarks"), ids=str)
def test_no_bare_package_imports(path: Path) -> None:
    bare = [n for n in _imports(path) if n.split(".")[0] in PACKAGES]
    assert not bare, f"{path}: import fincorpus.{bare[0]} instead of {bare[0]}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_feature_packages_do_not_import_upwards(package: str) -> None:
    for path in _sources(package):
        for name in _imports(path):
            if not name.startswith("fincorpus."):
                continue
            ok = name in SHARED_LEAVES or any(name.startswith(a) for a in ALLOWED[package])
            assert ok, f"{path.relative_to(REPO)} imports {name}, above its layer"


def test_model_imports_nothing_of_ours() -> None:
    for leaf in ("model.py", "errors.py", "cells.py"):
        assert not [n for n in _imports(REPO / "corpus" / leaf) if n.startswith("fincorpus")]
