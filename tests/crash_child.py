"""Helper process for tests/test_store_crash.py: edits a store through the real app and
acknowledges each committed edit on stdout, until it is killed.

    python crash_child.py run DB ROUND   one round in this process (any OS)
    python crash_child.py serve DB       POSIX: import the app once, then fork one child per
                                         "round N" line read on stdin (saves the ~1 s import
                                         per round); reports "pid N PID" and, once the child
                                         is gone, "dead N STATUS" (raw waitpid status)

A round opens the store with `open_store` (WAL, synchronous=FULL), creates a PRAE for the
round (one transaction), prints "start ROUND PRAE_ID", then applies edits n = 1, 2, ... with
`services.praes.add_regional_action` (one transaction each: the action row and the PRAE's
updated_at) and prints "ack ROUND n" after each commit.
"""

from __future__ import annotations

import os
import sys
import traceback

ORGANISATION_ID = 1


def emit(line: str) -> None:
    """Print `line` and flush, as one write(2): a kill cannot cut a line in half (print() may
    write the text and its newline separately, e.g. when PYTHONUNBUFFERED is set)."""
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), (line + "\n").encode("utf-8"))


def run_round(db: str, round_no: int) -> None:
    from pnae_desktop.services import praes
    from pnae_desktop.store.database import open_store
    from pnae_desktop.store.models import PraeRow

    store = open_store(db)
    with store.transaction() as session:
        prae = PraeRow(
            organisation_id=ORGANISATION_ID,
            region_code="11",
            region_name="Île-de-France",
            title=f"Tour {round_no}",
            start_year=2026,
            end_year=2028,
            catalogue_edition="test",
        )
        session.add(prae)
        session.flush()
        prae_id = prae.id
    emit(f"start {round_no} {prae_id}")
    n = 0
    while True:
        n += 1
        praes.add_regional_action(store, prae_id, f"Action {round_no}-{n}")
        emit(f"ack {round_no} {n}")


def serve(db: str) -> None:
    # Preload what a round imports and configures (mappers), so a forked child starts editing
    # at once. Nothing is opened on the tested store here; the child opens it after the fork.
    from sqlalchemy.orm import configure_mappers

    import pnae_desktop.services.praes
    import pnae_desktop.store.database  # noqa: F401

    configure_mappers()
    emit("server ready")
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] != "round":
            emit(f"error unknown command {line.strip()!r}")
            continue
        round_no = int(words[1])
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                run_round(db, round_no)
            except BaseException:  # noqa: BLE001 - report anything, then leave without cleanup
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                os._exit(1)
        emit(f"pid {round_no} {pid}")
        _, status = os.waitpid(pid, 0)
        emit(f"dead {round_no} {status}")


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "run":
        run_round(argv[1], int(argv[2]))
        return 0
    if len(argv) == 2 and argv[0] == "serve":
        serve(argv[1])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
