"""Fault injection: named checkpoints between the steps of a multi-step command.

`checkpoint("name")` does nothing unless the environment variable `PNAE_FAULT` names that
checkpoint when the module is first imported (a comma-separated list): `name` raises
`FaultInjected`; `name:kill` ends the process at once with `os._exit(137)`, as SIGKILL would.
In production the variable is unset and a checkpoint costs one truth test. Tests prove with
it that every command is all-or-nothing (tests/test_faults.py): whatever step fails or is
killed, the store file is byte-identical to before and the next command works.

The checkpoints:

- `workbook.after_charges` — workbook import: charges written, financing not yet
  (services/workbook_import.py, `apply_changes`).
- `demo.after_prae`, `demo.after_actions`, `demo.after_drafting`, `demo.after_charges`,
  `demo.after_budget`, `demo.after_convention`, `demo.before_commit` — `demo`, between its
  steps, all inside one transaction (services/demo.py).
- `package.after_backup` — package import in "replace" mode: backup made, nothing written.
- `package.after_delete` — package import in "replace" mode: the replaced PRAE deleted.
- `package.mid_write` — package import: the PRAE and its actions flushed, the linked rows not.
- `package.before_commit` — package import: every row flushed, not committed
  (services/package/importing.py).
- `session.before_commit` — any session edit (`import-budget` included): applied, not committed
  (services/session.py, `PraeSession._run`).
- `store.create.schema` — store creation: half of the schema created (the 5th CREATE TABLE).
- `store.create.version` — store creation: every table created, the schema version being recorded.

The two `store.create.*` checkpoints sit in no store code: when `PNAE_FAULT` names one, this
module listens to SQLAlchemy's statements (`before_cursor_execute`, all engines) and fires the
checkpoint at that statement. Any module importing this one before the store is opened arms
them (the `demo` command does).
"""

from __future__ import annotations

import os

CHECKPOINTS = (
    "workbook.after_charges",
    "demo.after_prae",
    "demo.after_actions",
    "demo.after_drafting",
    "demo.after_charges",
    "demo.after_budget",
    "demo.after_convention",
    "demo.before_commit",
    "package.after_backup",
    "package.after_delete",
    "package.mid_write",
    "package.before_commit",
    "session.before_commit",
    "store.create.schema",
    "store.create.version",
)
KILL_EXIT_CODE = 137  # what a shell reports for a process ended by SIGKILL


class FaultInjected(Exception):
    """Raised at an armed checkpoint (tests only)."""


def _parse(spec: str) -> dict[str, str]:
    """{checkpoint: "raise" | "kill"} from "a,b:kill"."""
    armed = {}
    for item in spec.split(","):
        name, _, action = item.strip().partition(":")
        if name:
            armed[name] = action or "raise"
    return armed


_ARMED: dict[str, str] = _parse(os.environ.get("PNAE_FAULT", ""))


def checkpoint(name: str) -> None:
    """Raise or kill here when `PNAE_FAULT` names `name`; nothing otherwise."""
    if not _ARMED:
        return
    action = _ARMED.get(name)
    if action is None:
        return
    if action == "kill":
        os._exit(KILL_EXIT_CODE)
    raise FaultInjected(f"fault injected at checkpoint {name!r}")


def arm(spec: str) -> dict[str, str]:
    """Arm checkpoints in this process (in-process tests); returns the previous arming, which
    `arm_dict` puts back. An empty `spec` disarms."""
    global _ARMED, _created
    previous = _ARMED
    _ARMED = _parse(spec)
    _created = 0
    _watch_store_creation()
    return previous


def arm_dict(armed: dict[str, str]) -> None:
    global _ARMED
    _ARMED = dict(armed)


_CREATE_TABLES_BEFORE_FAULT = 5
_watching = False
_created = 0  # CREATE TABLE statements seen since armed


def _watch_store_creation() -> None:
    """Fire the `store.create.*` checkpoints at SQL statements (only when one is armed)."""
    global _watching
    if _watching or not any(name.startswith("store.create.") for name in _ARMED):
        return
    from sqlalchemy import event  # only when a store-creation fault is armed (tests)
    from sqlalchemy.engine import Engine

    def before_execute(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001 - event hook
        global _created
        words = statement.lstrip().upper()
        if words.startswith("CREATE TABLE"):
            _created += 1
            if _created == _CREATE_TABLES_BEFORE_FAULT:
                checkpoint("store.create.schema")
        elif words.startswith("INSERT INTO ALEMBIC_VERSION"):
            checkpoint("store.create.version")

    event.listen(Engine, "before_cursor_execute", before_execute)
    _watching = True


_watch_store_creation()
