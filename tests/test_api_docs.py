"""Every python code block of docs/api.md runs, in order, against a temp SQLite store that
holds the demo PRAE (its path in STORE)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pnae_desktop.services import demo
from pnae_desktop.store.opening import open_for_writing

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_doc_has_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_runs(index, tmp_path, catalogue, capsys):
    path = tmp_path / "equipe.sqlite"
    store = open_for_writing(db=path)
    try:
        demo.create_demo(store, catalogue, demo.DEFAULT_REGION)
    finally:
        store.close()
    for block in BLOCKS[: index + 1]:  # the examples build on each other, as a reader runs them
        exec(compile(block, f"docs/api.md block {index + 1}", "exec"), {"STORE": path})
    assert capsys.readouterr().err == ""
