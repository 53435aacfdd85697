"""The hostile-input suite (issue 13): every CLI command × damaged, foreign, newer, empty and
odd-named stores; hostile strings in text fields through `show`, every export and the dashboard.

Each case records: tried, refused cleanly (exit 1/2/3, a French message on stderr, no
traceback), store byte-identical (sha256 before/after, no side file), traceback. The session
prints the counts (tests/conftest.py): `hostile inputs: N tried, N refused cleanly, N store
byte-identical, 0 tracebacks`. The commands run in this process through `cli.main.main` (an
exception escaping it is a traceback), so the suite stays fast enough for every CI run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import sqlite3
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import HOSTILE_RESULTS, demo_material

from pnae_desktop.cli.main import main
from pnae_desktop.domain.budget_cells import ChargeCell, ChargeValue
from pnae_desktop.domain.entities import MissionLocale
from pnae_desktop.errors import UserError
from pnae_desktop.services import budget, demo_followup, drafting, praes
from pnae_desktop.store.database import open_store

FRENCH = re.compile(r"[àâçéèêëîïôûùüÿœ«»]|Erreur|fichier", re.IGNORECASE)


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@dataclass
class Run:
    code: int
    out: str
    err: str
    traceback: str | None

    @property
    def refused_cleanly(self) -> bool:
        return self.traceback is None and self.code in (1, 2, 3) and bool(FRENCH.search(self.err))


def run_cli(*argv: str) -> Run:
    """`pnae-desktop argv…` in this process: exit code, outputs, and the traceback if one escaped."""
    out, err = io.StringIO(), io.StringIO()
    trace = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:  # noqa: BLE001 - an escaping exception is what the suite counts
            code, trace = 1, traceback.format_exc()
    if "Traceback" in err.getvalue():
        trace = trace or err.getvalue()
    return Run(code, out.getvalue(), err.getvalue(), trace)


def record(case: str, tried: Run | None, refused: bool, identical: bool) -> None:
    HOSTILE_RESULTS.append(
        {
            "case": case,
            "pending": case.split(":", 1)[1].replace(":", "-") in PENDING,
            "refused_cleanly": refused,
            "byte_identical": identical,
            "traceback": tried is not None and tried.traceback is not None,
        }
    )


# -- the material: a demo store, its package and an edited workbook -----------------------------


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> Path:
    return demo_material(tmp_path_factory.mktemp("hostile"), "demo.sqlite")


def _truncated(src: Path, dst: Path) -> None:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])


def _overwritten(src: Path, dst: Path) -> None:
    data = bytearray(src.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\xab" * (4096 * 3)  # pages 4 to 6: b-tree pages of the tables
    dst.write_bytes(bytes(data))


def _foreign(_src: Path, dst: Path) -> None:
    con = sqlite3.connect(dst)
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    con.commit()
    con.close()


def _newer(src: Path, dst: Path) -> None:
    shutil.copy(src, dst)
    con = sqlite3.connect(dst)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    con.commit()
    con.close()


def _empty(_src: Path, dst: Path) -> None:
    dst.write_bytes(b"")


BAD_STORES = {
    "truncated": _truncated,
    "overwritten": _overwritten,
    "foreign": _foreign,
    "newer": _newer,
    "empty": _empty,
}
ODD_NAMES = {
    "percent": "PRAE%41.sqlite",
    "question": "budget?mode=ro.sqlite",
    "hash": "région#2.sqlite",
    "spaces": "mes données 2024.sqlite",
    "accents": "Île-de-France – été.sqlite",
}
WRITES = {"import-budget", "package-import", "demo", "import-fec"}
_FEC = str(Path(demo_followup.resource(demo_followup.FEC_NAME)))
_MAPPING = str(Path(demo_followup.resource(demo_followup.MAPPING_NAME)))
COMMANDS = {
    "list": ("list",),
    "show": ("show", "--prae", "1", "--format", "json"),
    "export-convention": ("export", "convention", "--prae", "1", "--out", "{out}/convention.pdf"),
    "export-prae": ("export", "prae", "--prae", "1", "--out", "{out}/prae.pdf"),
    "export-budget": ("export", "budget", "--prae", "1", "--out", "{out}/budget.xlsx"),
    "import-budget": ("import-budget", "--prae", "1", "{material}/edited.xlsx"),
    "import-budget-dry-run": ("import-budget", "--prae", "1", "{material}/edited.xlsx", "--dry-run"),
    "package-export": ("package", "export", "--prae", "1", "--out", "{out}/prae.prae"),
    "package-import": ("package", "import", "{material}/prae.prae", "--as-copy"),
    "demo": ("demo",),
    "check": ("check",),
    "import-fec": ("import-fec", "--prae", "1", "--year", "2018", _FEC, "--mapping", _MAPPING),
    "import-fec-dry-run": ("import-fec", "--prae", "1", "--year", "2018", _FEC, "--dry-run"),
}


def _argv(command: str, db: Path, material: Path, out: Path) -> list[str]:
    words = [w.format(out=out, material=material) for w in COMMANDS[command]]
    at = 2 if words[0] in ("package", "export") else 1
    return words[:at] + ["--db", str(db)] + words[at:]


def _listing(folder: Path) -> set[str]:
    """The folder's files, the writer lock file aside (it stays, unlocked, by design)."""
    return {p.name for p in folder.iterdir() if not p.name.endswith(".sqlite.lock")}


# Cases that pass once the other helpers' work lands (issue 13 findings), marked so this
# branch is green; the marks go once it is merged.
PENDING: dict[str, str] = {}  # every finding has landed: no case is expected to fail


def _mark(case_id: str):
    reason = PENDING.get(case_id)
    return [pytest.mark.xfail(strict=False, reason=reason)] if reason else []


def _store_params():
    for kind in BAD_STORES:
        for command in COMMANDS:
            case = f"{kind}-{command}"
            yield pytest.param(kind, command, id=case, marks=_mark(case))
    for kind in ODD_NAMES:
        for command in COMMANDS:
            case = f"{kind}-{command}"
            yield pytest.param(kind, command, id=case, marks=_mark(case))


@pytest.mark.parametrize(("kind", "command"), list(_store_params()))
def test_every_command_on_a_hostile_store(kind, command, material, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path.parent / f"{tmp_path.name}-xdg"))
    folder = tmp_path / "store"
    out = tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    bad = kind in BAD_STORES
    db = folder / ("pnae.sqlite" if bad else ODD_NAMES[kind])
    if bad:
        BAD_STORES[kind](material / "demo.sqlite", db)
    else:
        shutil.copy(material / "demo.sqlite", db)
    before, files = sha256(db), _listing(folder)
    cwd_files = _listing(tmp_path)
    result = run_cli(*_argv(command, db, material, out))
    identical = sha256(db) == before and _listing(folder) == files and _listing(tmp_path) == cwd_files
    record(f"store:{kind}:{command}", result, result.refused_cleanly, identical)
    assert result.traceback is None, result.traceback
    if bad:
        assert result.refused_cleanly, (result.code, result.err)
        assert identical, f"{sorted(_listing(folder))} vs {sorted(files)}"
    else:
        assert result.code == 0, result.err
        assert _listing(tmp_path) == cwd_files  # no file made from a piece of the name
        assert _listing(folder) == files
        if command not in WRITES:
            assert sha256(db) == before


# -- hostile strings ---------------------------------------------------------------------------

STRINGS = {
    "para": "Action </para> fin",
    "link": 'Voir <a href="https://exemple.invalid/piege">ici</a>',
    "img": '<img src="/etc/hostname"/> image',
    "control": "Titre\x00\x07\x1b[31m rouge",
    "emoji": "Action 🚀👩‍💻 numérique",
    "long": "Long " + "é" * 1995,
    "equals": '=HYPERLINK("https://exemple.invalid","clic")',
    "plus": "+33 1 23 45 67 89",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "rtl": "\u202eتجربة عربية\u202c fin",
}
FIELDS = ("prae-title", "action-title", "action-description", "mission-locale", "charge-label")


def _set(store, field: str, value: str) -> None:
    action = praes.get_prae(store, 1).actions[0]
    if field == "prae-title":
        praes.update_prae(store, 1, title=value)
    elif field == "action-title":
        drafting.update_action(store, action.id, {"title": value})
    elif field == "action-description":
        drafting.update_action(store, action.id, {"description": value})
    elif field == "mission-locale":
        drafting.save_mission_locale(store, 1, MissionLocale(None, value, "Paris", "Mme Roux", "a@b.fr"))
    else:
        budget.set_charge_cells(store, [ChargeCell(action.id, "62", value, 2019, ChargeValue(amount_cents=12_300))])


@pytest.fixture(scope="module")
def hostile_stores(material, tmp_path_factory) -> dict[str, tuple[Path, set[str]]]:
    """One store per hostile string, the string set in every field that takes it; the fields
    that refuse it (cleanly, in French) are recorded as refused inputs."""
    stores = {}
    for name, value in STRINGS.items():
        db = tmp_path_factory.mktemp(f"strings-{name}") / "pnae.sqlite"
        shutil.copy(material / "demo.sqlite", db)
        accepted = set()
        for field in FIELDS:
            before = sha256(db)
            store = open_store(db)
            trace = None
            try:
                _set(store, field, value)
                accepted.add(field)
                refused = False
            except UserError:
                refused = True
            except Exception:  # noqa: BLE001 - counted as a traceback
                trace, refused = traceback.format_exc(), False
            finally:
                store.close()
            identical = sha256(db) == before
            record(f"input:{name}:{field}", Run(0, "", "", trace), refused, identical)
            assert trace is None, trace
            if refused:
                assert identical
        stores[name] = (db, accepted)
    return stores


def _string_params():
    for name in STRINGS:
        for target in ("show", "export-convention", "export-prae", "export-budget", "dashboard"):
            case = f"{name}-{target}"
            yield pytest.param(name, target, id=case, marks=_mark(case))


@pytest.mark.parametrize(("name", "target"), list(_string_params()))
def test_hostile_strings_through_show_exports_and_dashboard(name, target, hostile_stores, tmp_path, request):
    db, accepted = hostile_stores[name]
    value = STRINGS[name]
    before = sha256(db)
    if target == "dashboard":
        request.getfixturevalue("isolated_settings")
        try:
            _dashboard_shows_the_title_as_text(db, value if "prae-title" in accepted else None)
        finally:
            record(f"strings:{name}:{target}", None, False, sha256(db) == before)
        return
    argv = (
        ["show", "--db", str(db), "--prae", "1", "--format", "json"]
        if target == "show"
        else ["export", target.split("-")[1], "--db", str(db), "--prae", "1", "--out", str(tmp_path / "doc")]
    )
    result = run_cli(*argv)
    record(f"strings:{name}:{target}", result, result.refused_cleanly, sha256(db) == before)
    assert result.traceback is None, result.traceback
    assert result.code in (0, 3), result.err
    assert sha256(db) == before
    if target == "show" and "prae-title" in accepted:
        import json

        assert json.loads(result.out)["title"] == value
    for pdf in tmp_path.glob("doc*.pdf"):
        data = pdf.read_bytes()
        assert not re.search(rb"/URI\s*\(https?://exemple", data), "a hostile link became a link in the PDF"
        assert b"/Subtype /Image" not in data or name != "img", "a local file was embedded"


def _dashboard_shows_the_title_as_text(db: Path, title: str | None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    from pnae_desktop.ui.dashboard import DashboardPage

    store = open_store(db)
    try:
        rows = praes.list_praes(store)
    finally:
        store.close()
    page = DashboardPage()
    page.summary_provider = lambda _prae_id: "couverture : 13 actions"
    page.show_praes(rows)
    page.praeTable.selectRow(0)
    label = page.coverageLabel
    if label.textFormat() == Qt.TextFormat.PlainText:
        shown = label.text()
    else:
        doc = QTextDocument()
        doc.setHtml(label.text())
        shown = doc.toPlainText()
    assert "couverture : 13 actions" in shown
    if title is not None:
        assert rows[0].title in shown or title in shown
    page.deleteLater()
