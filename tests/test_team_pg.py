"""Two processes on one store: no edit lost, every conflict reported, never a raw database
error. On a real PostgreSQL (skipped locally without PNAE_TEST_PG_URL, never in CI), and the
same-cell conflict on SQLite too."""

from __future__ import annotations

import multiprocessing as mp
import traceback
from decimal import Decimal

import pytest

from pnae_desktop import api
from pnae_desktop.services import demo, package
from pnae_desktop.store.database import open_store

SPAWN = mp.get_context("spawn")
SHARED = [("62", "Partagée A"), ("62", "Partagée B")]


def _edits(url: str, who: int, count: int, barrier, out) -> None:
    """Interleaved edits of two shared cells and of this process's own cells."""
    applied: list[tuple[str, int]] = []
    conflicts: list[tuple[str, int, object, object]] = []
    try:
        with api.open(url) as store:
            with store.session(store.praes()[0][0]) as s:
                s.snapshot()
                barrier.wait()
                for i in range(count):
                    account, label = SHARED[i % 2] if i % 3 else ("62", f"Propre {who} {i % 5}")
                    value = who * 100_000 + i
                    try:
                        s.set_charge(1, account, label, 2019, Decimal(value))
                        applied.append((label, value))
                    except api.ConflictError as exc:
                        conflicts.append((label, value, exc.theirs, exc.mine))
                        s.snapshot()  # « garder la leur », then go on
        out.put((who, applied, conflicts, None))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        out.put((who, applied, conflicts, traceback.format_exc()))


def _run(target, url: str, *args):
    barrier, out = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [SPAWN.Process(target=target, args=(url, who, *args, barrier, out)) for who in (1, 2)]
    for p in procs:
        p.start()
    results = {r[0]: r[1:] for r in (out.get(timeout=600) for _ in procs)}
    for p in procs:
        p.join(60)
    for who, (*_, error) in results.items():
        assert error is None, f"process {who}:\n{error}"
    return results


def _charges(url: str) -> dict[str, str]:
    with api.open(url) as store, store.session(store.praes()[0][0]) as s:
        snap = s.snapshot()
    first = snap["actions"][0]["id"]
    return {c["label"]: c["amount"] for c in snap["budget"]["charges"] if c["action_id"] == first and c["year"] == 2019}


@pytest.fixture
def pg_demo(pg_url, catalogue):
    store = open_store(url=pg_url)
    try:
        demo.create_demo(store, catalogue, demo.DEFAULT_REGION)
    finally:
        store.close()
    return pg_url


def test_thousand_interleaved_edits_none_lost_every_conflict_reported(pg_demo):
    results = _run(_edits, pg_demo, 500)
    final = _charges(pg_demo)
    total = 0
    for who, (applied, conflicts, _) in results.items():
        total += len(applied) + len(conflicts)
        for label, value, theirs, mine in conflicts:
            assert label.startswith("Partagée"), "a cell of one's own never conflicts"
            assert mine == {"amount": Decimal(value).quantize(Decimal("0.01"))}
            assert theirs is None or "amount" in theirs
        own = {label: value for label, value in applied if label.startswith("Propre")}
        for label, value in own.items():  # its last value of each own cell is there
            assert final[label] == f"{value}.00"
    assert total == 1000
    print("applied / conflicts per process:", {w: (len(r[0]), len(r[1])) for w, r in results.items()})
    for _account, label in SHARED:  # the last applied edit of one of the two
        lasts = {
            f"{[v for lab, v in r[0] if lab == label][-1]}.00"
            for r in results.values()
            if any(lab == label for lab, _ in r[0])
        }
        assert final[label] in lasts
    assert sum(len(r[1]) for r in results.values()) > 0, "two writers on two cells: some conflicts"


def _same_new_line(url: str, who: int, count: int, barrier, out) -> None:
    applied, conflicts = [], []
    try:
        with api.open(url) as store, store.session(store.praes()[0][0]) as s:
            for i in range(count):
                s.snapshot()
                barrier.wait()
                try:
                    s.set_charge(1, "62", f"Nouvelle ligne {i}", 2019, Decimal(who))
                    applied.append(i)
                except api.ConflictError as exc:
                    conflicts.append((i, exc.theirs, exc.mine))
        out.put((who, applied, conflicts, None))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        out.put((who, applied, conflicts, traceback.format_exc()))


def test_two_processes_writing_the_same_new_line_never_raise_a_database_error(pg_demo):
    results = _run(_same_new_line, pg_demo, 150)
    final = _charges(pg_demo)
    for i in range(150):
        winners = [who for who, (applied, _, _) in results.items() if i in applied]
        losers = [who for who, (_, conflicts, _) in results.items() if any(c[0] == i for c in conflicts)]
        assert len(winners) + len(losers) == 2
        assert final[f"Nouvelle ligne {i}"] in {f"{w}.00" for w in winners}
        if len(winners) == 2:  # the second saw the first's line in its snapshot: applied on top
            pass


def _import_package(url: str, who: int, path: str, barrier, out) -> None:
    try:
        store = open_store(url=url)
        try:
            barrier.wait()
            try:
                prae_id = package.import_package(store, path, mode="new")
                out.put((who, ("imported", prae_id), None, None))
            except api.UserError as exc:
                out.put((who, ("refused", str(exc)), None, None))
        finally:
            store.close()
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        out.put((who, None, None, traceback.format_exc()))


def test_concurrent_package_imports_one_wins_the_other_is_refused(pg_url, catalogue, tmp_path):
    """Two `package import` (mode new) of one PRAE at once: one imports it, the other is
    refused as « déjà présent » (its uid taken meanwhile is retried, then seen)."""
    source = open_store(tmp_path / "source.sqlite")
    try:
        prae_id = demo.create_demo(source, catalogue, demo.DEFAULT_REGION)
        path = package.export_package(source, prae_id, tmp_path / "demo.prae", app_version="test")
    finally:
        source.close()
    for _ in range(5):
        open_store(url=pg_url).close()  # initialised
        results = _run(_import_package, pg_url, str(path))
        outcomes = sorted(r[0] for r in results.values())
        assert [o[0] for o in outcomes] == ["imported", "refused"], outcomes
        assert "contient déjà ce PRAE" in outcomes[1][1]
        with api.open(pg_url) as store:
            assert len(store.praes()) == 1
        from conftest import _reset_pg

        _reset_pg(pg_url)


def test_same_cell_conflict_on_sqlite(tmp_path, catalogue):
    path = tmp_path / "pnae.sqlite"
    store = open_store(path)
    try:
        demo.create_demo(store, catalogue, demo.DEFAULT_REGION)
    finally:
        store.close()
    with api.open(path) as store:
        prae_id = store.praes()[0][0]
        a, b = store.session(prae_id), store.session(prae_id)
        a.snapshot(), b.snapshot()
        a.set_charge(1, "62", "Cellule", 2019, "10")
        with pytest.raises(api.ConflictError) as exc:
            b.set_charge(1, "62", "Cellule", 2019, "20")  # created by a since b's snapshot
        assert exc.value.theirs == {"amount": Decimal("10.00")} and exc.value.mine == {"amount": Decimal("20.00")}
        assert "quelqu'un a créé la ligne de charges « 2019 / 62 / Cellule »" in str(exc.value)
        b.snapshot()
        b.set_charge(1, "62", "Cellule", 2019, "20")
        with pytest.raises(api.ConflictError) as exc:
            a.set_charge(1, "62", "Cellule", 2019, "30")
        assert exc.value.theirs == {"amount": Decimal("20.00")} and exc.value.mine == {"amount": Decimal("30.00")}
    assert _charges(str(path))["Cellule"] == "20.00"


def _edited_workbook(store, prae_id: int, path, old_cents: int, new_euros: int):
    from openpyxl import load_workbook

    from pnae_desktop import __version__
    from pnae_desktop.exports import workbook
    from pnae_desktop.services import exports

    exports.write_budget_workbook(store, prae_id, path, app_version=__version__)
    wb = load_workbook(path)
    typed = [
        c
        for row in wb[workbook.BY_ACTION].iter_rows()
        for c in row
        if c.value == old_cents / 100 and not c.protection.locked
    ]
    typed[0].value = new_euros
    wb.save(path)
    return path


@pytest.fixture
def pg_workbooks(pg_url, catalogue, tmp_path):
    """The demo PRAE on PostgreSQL with one marked cell, and two workbooks setting it to 111 / 222."""
    from pnae_desktop.services import budget as budget_service

    store = open_store(url=pg_url)
    try:
        prae_id = demo.create_demo(store, catalogue, demo.DEFAULT_REGION)
        action_id = budget_service.load_budget(store, prae_id).charges[0].action_id
        cell = budget_service.ChargeCell(action_id, "62", "Marquée", 2019, budget_service.ChargeValue(12_345_67))
        budget_service.set_charge_cells(store, [cell])
        books = [_edited_workbook(store, prae_id, tmp_path / f"b{n}.xlsx", 12_345_67, n) for n in (111, 222)]
    finally:
        store.close()
    return pg_url, prae_id, books


def _marked(url: str, prae_id: int) -> str:
    with api.open(url) as store, store.session(prae_id) as s:
        return next(c["amount"] for c in s.snapshot()["budget"]["charges"] if c["label"] == "Marquée")


def test_workbook_imports_interleaved_the_second_is_refused(pg_workbooks, catalogue):
    """Two posts read their workbook against the same state, then apply one after the other:
    the second is refused (ConflictError), not applied over the first."""
    from pnae_desktop.services import edits, workbook_import
    from pnae_desktop.services.session import PraeSession

    url, prae_id, books = pg_workbooks
    posts = [open_store(url=url), open_store(url=url)]
    try:
        sessions = [PraeSession(s, catalogue, prae_id) for s in posts]
        changes = [workbook_import.read_budget_workbook(b, s, prae_id) for b, s in zip(books, posts, strict=True)]
        sessions[0].apply(edits.ApplyWorkbook("Classeur", tuple(changes[0])))
        with pytest.raises(api.ConflictError, match="entre-temps"):
            sessions[1].apply(edits.ApplyWorkbook("Classeur", tuple(changes[1])))
    finally:
        for s in posts:
            s.close()
    assert _marked(url, prae_id) == "111.00"


def test_concurrent_import_budget_commands_never_overwrite_silently(pg_workbooks):
    """Two `import-budget` processes at once: each is applied on top of the other's state or
    refused with a French message; never a traceback."""
    import os
    import subprocess
    import sys

    url, prae_id, books = pg_workbooks
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pnae_desktop", "import-budget", "--db-url", url, "--prae", str(prae_id), str(b)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=dict(os.environ),
        )
        for b in books
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    for (out, err), code in zip(outs, codes, strict=True):
        assert "Traceback" not in err
        assert code == 0 or (code == 2 and ("entre-temps" in err or "en même temps" in err)), err
    final = _marked(url, prae_id)
    assert final in {"111.00", "222.00"}
    if codes == [0, 0]:  # both applied: the second on top of the first, whose cell it re-set
        assert all("1 différence(s) appliquée(s)" in out for out, _ in outs)
