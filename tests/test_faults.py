"""Every command is all-or-nothing, proven by fault injection (issue 13, finding 5).

For each checkpoint of pnae_desktop/faults.py, the CLI command that passes it is run twice:
once in this process with the checkpoint armed to raise, once in a subprocess armed to kill
(`os._exit`, as SIGKILL). Each time the store file is byte-identical to before (sha256) — for
store creation, absent or a valid empty store — and the next command (the same one, unarmed)
works."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import demo_material

from pnae_desktop import faults
from pnae_desktop.cli.main import main
from pnae_desktop.services import praes
from pnae_desktop.store.database import open_store


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A demo store, its package and a workbook editing a charge and a financing line."""
    return demo_material(tmp_path_factory.mktemp("faults"), "pnae.sqlite", edit_financing=True)


# checkpoint → (the command passing it, whether it creates the store)
SCENARIOS = {
    "workbook.after_charges": ("import-budget --prae 1 {edited}", False),
    "session.before_commit": ("import-budget --prae 1 {edited}", False),
    **{name: ("demo", False) for name in faults.CHECKPOINTS if name.startswith("demo.")},
    "package.after_backup": ("package import {package} --replace", False),
    "package.after_delete": ("package import {package} --replace", False),
    "package.mid_write": ("package import {package} --as-copy", False),
    "package.before_commit": ("package import {package} --replace", False),
    "store.create.schema": ("demo", True),
    "store.create.version": ("demo", True),
}


def test_every_checkpoint_has_a_scenario():
    assert set(SCENARIOS) == set(faults.CHECKPOINTS)


def test_a_checkpoint_costs_nothing_unarmed_and_raises_or_names_kill_when_armed():
    previous = faults.arm("")
    try:
        faults.checkpoint("demo.after_prae")  # nothing
        faults.arm("demo.after_prae, package.mid_write:kill")
        with pytest.raises(faults.FaultInjected, match="demo.after_prae"):
            faults.checkpoint("demo.after_prae")
        faults.checkpoint("demo.after_actions")  # not armed
        assert faults._ARMED == {"demo.after_prae": "raise", "package.mid_write": "kill"}
    finally:
        faults.arm_dict(previous)


def _argv(scenario: str, folder: Path, db: Path) -> list[str]:
    command = scenario.format(edited=folder / "edited.xlsx", package=folder / "prae.prae").split()
    at = command.index("import") + 1 if command[0] == "package" else 1
    return command[:at] + ["--db", str(db)] + command[at:]


def _setup(template: Path, tmp_path: Path, creates: bool) -> Path:
    db = tmp_path / "pnae.sqlite"
    if not creates:
        shutil.copy(template / "pnae.sqlite", db)
    return db


def _state(db: Path) -> str | None:
    return sha256(db) if db.exists() else None


def _assert_untouched(db: Path, before: str | None, creates: bool) -> None:
    if not creates:
        assert _state(db) == before, "the store file changed"
        return
    if db.exists() and db.stat().st_size:  # else: absent, or an empty file (never a store yet)
        assert main(["check", "--db", str(db)]) == 0
        store = open_store(db)
        try:
            assert praes.list_praes(store) == []
        finally:
            store.close()


def _next_command_works(argv: list[str], db: Path, creates: bool, capsys) -> None:
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    assert main(["check", "--db", str(db)]) == 0
    store = open_store(db)
    try:
        count = len(praes.list_praes(store))
    finally:
        store.close()
    expected = {"demo": 1 if creates else 2, "import-budget": 1}.get(argv[0], 2 if "--as-copy" in argv else 1)
    assert count == expected


def _params():
    for name, (_, creates) in SCENARIOS.items():
        for action in ("raise", "kill"):
            yield pytest.param(name, action, id=f"{name}-{action}")


@pytest.mark.parametrize(("checkpoint", "action"), list(_params()))
def test_a_fault_at_any_step_leaves_the_store_as_it_was(checkpoint, action, template, tmp_path, monkeypatch, capsys):
    scenario, creates = SCENARIOS[checkpoint]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    db = _setup(template, tmp_path, creates)
    argv = _argv(scenario, template, db)
    before = _state(db)
    if action == "raise":
        previous = faults.arm(checkpoint)
        try:
            with pytest.raises(faults.FaultInjected):
                main(argv)
        finally:
            faults.arm_dict(previous)
    else:
        result = subprocess.run(
            [sys.executable, "-m", "pnae_desktop", *argv],
            cwd=tmp_path,
            env=dict(os.environ, PNAE_FAULT=f"{checkpoint}:kill", XDG_DATA_HOME=str(tmp_path / "xdg-data")),
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == faults.KILL_EXIT_CODE, result.stderr.decode()
    _assert_untouched(db, before, creates)
    _next_command_works(argv, db, creates, capsys)
