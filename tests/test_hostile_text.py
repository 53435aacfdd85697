"""Text is text everywhere (issue 13, findings 6 and 7): markup typed in a field stays literal
in the PDFs and on the dashboard; control characters are refused at input (and shown as
U+FFFD by the exports when a store holds some anyway); numbers are limited to what a budget
can hold, at any length of input, in French and without a traceback."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import zipfile
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pypdf
import pytest

from pnae_desktop.cli import main as cli
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import rules
from pnae_desktop.domain.budget_cells import parse_charge_cell
from pnae_desktop.domain.drafting import parse_number
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, NewPrae
from pnae_desktop.domain.money import parse_amount, parse_percentage
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports import workbook as bw
from pnae_desktop.exports.package import PackageError
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import convention, demo, drafting, exports, package, praes
from pnae_desktop.services import workbook_import as wi
from pnae_desktop.store.database import open_store
from pnae_desktop.text import escape_markup, printable

CLOSE = "Titre </para> fermé"
LINK = '<a href="https://x">x</a>'
IMAGE = '<img src="/etc/hostname"/>'
FAKE = "<h1>Faux message</h1>"


def normalise(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, catalogue):
    path = tmp_path_factory.mktemp("demo") / "pnae.sqlite"
    store = open_store(path)
    demo.create_demo(store, catalogue)
    store.close()
    return path


@pytest.fixture
def demo_store(demo_template, tmp_path):
    db = tmp_path / "pnae.sqlite"
    shutil.copy(demo_template, db)
    store = open_store(db)
    yield store, db
    store.close()


# -- 6. markup in data stays text ------------------------------------------------------------------


def pdf_facts(path) -> tuple[str, list[str], int]:
    """(extracted text, the URIs of every link, the number of image XObjects)."""
    reader = pypdf.PdfReader(str(path))
    text = normalise(" ".join(page.extract_text() or "" for page in reader.pages))
    uris, images = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action is not None and "/URI" in action.get_object():
                uris.append(str(action.get_object()["/URI"]))
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        images += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return text, uris, images


def test_markup_typed_in_fields_stays_literal_text_in_both_pdfs(demo_store, catalogue, tmp_path):
    store, _ = demo_store
    detail = praes.get_prae(store, 1)
    baseline = {
        d: exports.export(store, 1, catalogue, d, tmp_path / f"before-{d}", force=True) for d in ("prae", "convention")
    }
    first = detail.actions[0]
    drafting.update_action(store, first.id, {"title": CLOSE, "contexte": f"Lien {LINK} et image {IMAGE}."})
    praes.update_prae(store, 1, title=f"PRAE {LINK}")
    budget = budget_service.load_budget(store, 1)
    funder = next(f for f in budget.funders if f.kind not in ("etat", "region"))
    budget_service.save_funder(store, 1, funder.id, f"Fonds {IMAGE}", funder.kind)
    state = cv.add_article(convention.get_state(store, 1), "Article </para> ajouté", f"Texte {LINK} {IMAGE}.")
    convention.save_state(store, 1, catalogue, state)

    for document in ("prae", "convention"):
        out = exports.export(store, 1, catalogue, document, tmp_path / f"doc-{document}", force=True)
        text, uris, images = pdf_facts(out)
        _, _, images_before = pdf_facts(baseline[document])
        assert "</para>" in text, document
        assert LINK in text, document
        assert IMAGE in text, document
        assert uris == [], document
        assert images == images_before, document
    assert "Titre </para> fermé" in pdf_facts(tmp_path / "doc-prae.pdf")[0]


def test_the_dashboard_shows_a_title_as_typed(demo_store, qtbot):
    from PySide6.QtGui import QTextDocument

    from pnae_desktop.ui.dashboard import DashboardPage

    store, _ = demo_store
    praes.update_prae(store, 1, title=FAKE)
    organisation = praes.organisation(store, praes.prae_organisation_id(store, 1))
    praes.save_organisation(store, replace(organisation, name=f"Org {IMAGE}"))
    page = DashboardPage()
    qtbot.addWidget(page)
    page.summary_provider = lambda _id: "3 objectifs couverts"
    page.show_praes(praes.list_praes(store))
    page.praeTable.setCurrentIndex(page.proxy.index(0, 0))

    def shown(rich: str) -> str:
        doc = QTextDocument()
        doc.setHtml(rich)
        return doc.toPlainText()

    label = page.coverageLabel.text()
    assert shown(label) == f"{FAKE} — 3 objectifs couverts"
    tooltip = page.model.item(0, 0).toolTip()
    assert f"Org {IMAGE}" in shown(tooltip)
    assert "Socle commun" in shown(tooltip)


def test_one_escaping_function():
    assert escape_markup("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    from pnae_desktop.exports.pdf import text as pdf_text

    # the PDFs' escape is escape_markup, with each run of characters Liberation Sans lacks
    # then wrapped in its shipped fallback font
    assert pdf_text.escape("a < b & c > d") == escape_markup("a < b & c > d")
    assert pdf_text.escape("<★>") == '&lt;<font name="PnaeSans-Symbols">★</font>&gt;'
    assert pdf_text.markup("</para>") == "&lt;/para&gt;"


# -- 7a. control characters ------------------------------------------------------------------------


def test_the_rule_names_the_field_and_the_character():
    with pytest.raises(ValidationError, match=r"^Intitulé : caractère de contrôle U\+0007 non autorisé\.$"):
        rules.check_text("a\x07b", "Intitulé")
    assert rules.check_text("ligne 1\n\tligne 2", "Contexte", long_text=True) == "ligne 1\n\tligne 2"
    for one_line_only in ("a\nb", "a\tb"):
        with pytest.raises(ValidationError, match="U\\+000[9A]"):
            rules.check_text(one_line_only, "Pilote")
    for bad in ("\x00", "\x1b", "\x7f", "\x85", "\ud800", "\uffff", "\r"):
        with pytest.raises(ValidationError, match=f"U\\+{ord(bad):04X}"):
            rules.check_text(f"x{bad}", "Contexte", long_text=True)
    assert printable("a\x07b\tc\nd") == "a\ufffdb\tc\nd"


def _entry_points(store, catalogue, bad: str):
    """Every typed text of the services, each with `bad` in it: (what, call)."""
    detail = praes.get_prae(store, 1)
    action = detail.actions[0]
    budget = budget_service.load_budget(store, 1)
    funder = budget.funders[0]
    organisation = praes.organisation(store, praes.prae_organisation_id(store, 1))
    settings = convention.get_settings(store, 1, catalogue)
    state = convention.get_state(store, 1)
    key = state.articles[0].key
    year = detail.summary.start_year
    return [
        ("PRAE title", lambda: praes.update_prae(store, 1, title=f"PRAE{bad}")),
        ("new PRAE", lambda: praes.create_prae(store, catalogue, NewPrae("04", 2018, 2020, (5,), title=f"T{bad}"))),
        (
            "new PRAE organisation",
            lambda: praes.create_prae(store, catalogue, NewPrae("04", 2018, 2020, (5,), organisation_name=f"O{bad}")),
        ),
        ("regional action", lambda: praes.add_regional_action(store, 1, f"Action{bad}")),
        ("regional action text", lambda: praes.add_regional_action(store, 1, "Action", contexte=f"C{bad}")),
        ("action title", lambda: drafting.update_action(store, action.id, {"title": f"T{bad}"})),
        ("action pilot", lambda: drafting.update_action(store, action.id, {"pilot": f"P{bad}"})),
        ("fiche text", lambda: drafting.update_action(store, action.id, {"contexte": f"C{bad}"})),
        ("milestone", lambda: drafting.set_milestones(store, action.id, [Milestone(year, f"J{bad}")])),
        (
            "indicator",
            lambda: drafting.set_indicators(store, action.id, [Indicator(f"I{bad}", "nombre", "imilo")]),
        ),
        (
            "mission locale",
            lambda: drafting.save_mission_locale(store, 1, MissionLocale(None, f"ML{bad}", "Ville", "", "")),
        ),
        (
            "mission locale city",
            lambda: drafting.save_mission_locale(store, 1, MissionLocale(None, "ML", f"V{bad}", "", "")),
        ),
        ("organisation", lambda: praes.save_organisation(store, replace(organisation, name=f"N{bad}"))),
        ("organisation phone", lambda: praes.save_organisation(store, replace(organisation, phone=f"01{bad}"))),
        (
            "charge label",
            lambda: budget_service.set_charge_cells(
                store,
                [
                    budget_service.ChargeCell(
                        action.id, "62", f"L{bad}", year, budget_service.ChargeValue(amount_cents=100)
                    )
                ],
            ),
        ),
        (
            "structural label",
            lambda: budget_service.set_structural_cells(
                store, 1, [budget_service.StructuralCell(f"S{bad}", year, 100)]
            ),
        ),
        ("funder", lambda: budget_service.save_funder(store, 1, funder.id, f"F{bad}", funder.kind)),
        ("new funder", lambda: budget_service.save_funder(store, 1, None, f"F{bad}", "autre")),
        (
            "convention place of signature",
            lambda: convention.save_settings(
                store, 1, catalogue, replace(settings, signature=replace(settings.signature, place=f"Lieu{bad}"))
            ),
        ),
        (
            "convention steering members",
            lambda: convention.save_settings(
                store, 1, catalogue, replace(settings, steering=replace(settings.steering, members=(f"M{bad}",)))
            ),
        ),
        (
            "article text",
            lambda: convention.save_state(store, 1, catalogue, cv.override_article(state, key, f"T{bad}")),
        ),
        (
            "added article",
            lambda: convention.save_state(store, 1, catalogue, cv.add_article(state, f"A{bad}", "Texte")),
        ),
    ]


def test_control_characters_are_refused_at_every_input_and_nothing_is_written(demo_store, catalogue):
    store, db = demo_store
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    calls = _entry_points(store, catalogue, "\x07")
    for what, call in calls:
        with pytest.raises(ValidationError, match=r"caractère de contrôle U\+0007 non autorisé") as caught:
            call()
        assert "\x07" not in str(caught.value), what
    store.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert len(calls) >= 20


def test_tab_and_newline_are_kept_in_long_texts_only(demo_store):
    store, _ = demo_store
    action = praes.get_prae(store, 1).actions[0]
    drafting.update_action(store, action.id, {"contexte": "Ligne 1\n\tLigne 2"})
    assert praes.get_action(store, action.id).fields["contexte"] == "Ligne 1\n\tLigne 2"
    with pytest.raises(ValidationError, match=r"Pilote.*U\+000A"):
        drafting.update_action(store, action.id, {"pilot": "Mme\nPayet"})


def test_a_package_holding_a_control_character_is_refused_store_unchanged(demo_store, tmp_path):
    store, db = demo_store
    pkg = package.export_package(store, 1, tmp_path / "envoi.prae", app_version="test")
    with zipfile.ZipFile(pkg) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    document = json.loads(members["prae.json"])
    document["title"] = "Titre\x07"
    members["prae.json"] = (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["prae.json"] = hashlib.sha256(members["prae.json"]).hexdigest()
    members["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    bad = tmp_path / "bad.prae"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    other = open_store(tmp_path / "other.sqlite")
    before = praes.list_praes(other)
    with pytest.raises(PackageError, match=r"prae\.json.*intitulé.*caractère de contrôle U\+0007") as caught:
        package.import_package(other, bad, mode="new")
    assert "\x07" not in str(caught.value)
    assert praes.list_praes(other) == before
    other.close()


def test_exports_of_a_store_holding_control_characters_replace_them(demo_store, catalogue, tmp_path):
    store, db = demo_store
    store.close()
    with sqlite3.connect(db) as raw:  # written around the input checks, as an old store may be
        raw.execute("UPDATE praes SET title = title || char(7)")
        raw.execute("UPDATE prae_actions SET title = title || char(1) WHERE id = (SELECT min(id) FROM prae_actions)")
        raw.execute("UPDATE funders SET name = name || char(27)")
        raw.execute("UPDATE charge_lines SET label = label || char(11)")
    raw.close()
    store = open_store(db)
    try:
        written = {
            d: exports.export(store, 1, catalogue, d, tmp_path / f"doc-{d}", force=True) for d in exports.DOCUMENTS
        }
    finally:
        store.close()
    wb = openpyxl.load_workbook(written["budget"])
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("\ufffd" in v for v in cells)
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", v) for v in cells)
    for document in ("prae", "convention"):
        assert pypdf.PdfReader(str(written[document])).pages


# -- 7b. numbers a budget can hold -----------------------------------------------------------------

HUGE = ["9" * 4301, "9" * 100_000, "1" * 3000 + ",5", "1e9", "١٢٣", "100 000 000,01", "1" + " " * 50_000 + "1"]


@pytest.mark.parametrize("text", HUGE)
def test_the_parsers_refuse_in_french(text):
    for parse in (parse_amount, parse_percentage):
        with pytest.raises(ValidationError, match=r"^Cellule X : "):
            parse(text, "Cellule X")
    with pytest.raises(ValidationError, match=r"^Cellule X"):
        parse_charge_cell(text, "Cellule X", "62")
    if text != "100 000 000,01":
        with pytest.raises(ValidationError, match=r"^Cible"):
            parse_number(text, "Cible")


def test_the_limits_themselves():
    assert parse_amount("100 000 000,00 €", "C") == 100_000_000_00
    assert parse_amount("0" * 40 + "12", "C") == 1200
    assert parse_amount(" " * 50_000 + "12", "C") == 1200  # surrounding spaces are not the number
    assert parse_percentage("100", "C") == Decimal(100)
    with pytest.raises(ValidationError, match="montant absurde"):  # ETP × coût beyond 100 M€
        dom.ChargeLine(1, 1, 2019, "64", "Chargé", etp=Decimal("2"), annual_cost_cents=60_000_000_00)


def test_a_service_call_refuses_an_amount_beyond_the_limit(demo_store):
    store, _ = demo_store
    action = praes.get_prae(store, 1).actions[0]
    cell = budget_service.ChargeCell(
        action.id, "62", "Déplacements", 2019, budget_service.ChargeValue(amount_cents=100_000_000_01)
    )
    with pytest.raises(ValidationError, match="absurde"):
        budget_service.set_charge_cells(store, [cell])


def _workbook_with(store, tmp_path, value):
    path = exports.write_budget_workbook(store, 1, tmp_path / "budget.xlsx", app_version="test")
    wb = openpyxl.load_workbook(path)
    ws = wb[bw.BY_ACTION]
    rows = {
        v: r for r, (v,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), 1) if isinstance(v, str)
    }
    cols = {
        v: c for c, v in enumerate(next(ws.iter_rows(min_row=1, max_row=1, values_only=True)), 1) if isinstance(v, str)
    }
    row = next(r for k, r in rows.items() if k.startswith("C|"))
    ws.cell(row, cols["MONTANT|2019"]).value = value
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


@pytest.mark.parametrize("value", ["9" * 5000, 1e300, "1e9", "١٢٣"])
def test_import_budget_refuses_in_french(demo_store, tmp_path, capsys, value):
    store, db = demo_store
    edited = _workbook_with(store, tmp_path, value)
    with pytest.raises(UserError, match="Par action"):
        wi.read_budget_workbook(edited, store, 1)
    store.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    code = cli.main(["import-budget", "--db", str(db), "--prae", "1", str(edited)])
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err and "ValueError" not in err
    assert "Feuille « Par action »" in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
