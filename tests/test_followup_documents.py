"""The follow-up documents, exported from a real store whose realised 2018 year was written
through the follow-up edits: the compte rendu financier (PDF read back, xlsx recalculated by
LibreOffice), the bilan annuel and the évaluation finale; their figures agree to the cent; the
CLI exports them and refuses, in French and writing nothing, what it cannot export."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from followup_docs_data import YEAR, realised_demo
from pypdf import PdfReader

from pnae_desktop.domain.followup import year_gaps
from pnae_desktop.domain.followup_report import axis_execution, compte_rendu
from pnae_desktop.domain.money import format_amount
from pnae_desktop.exports import libreoffice
from pnae_desktop.exports.pdf.followup_common import GAP_HEADER, pct_text, signed_money
from pnae_desktop.exports.pdf.signature_fields import list_signature_fields
from pnae_desktop.services import followup_exports
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import open_store
from pnae_desktop.text import fold


def squeeze(text: str) -> str:
    """Text without spaces or line breaks (a wrapped cell still matches its data)."""
    return "".join(fold(text).split()).replace("\u00a0", "").replace("\u202f", "")


def pages(path: Path) -> list[str]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext absent : installer poppler-utils (voir .ci/system-packages)")
    out = subprocess.run([tool, "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True)
    return [p for p in out.stdout.split("\f") if p.strip()]


@pytest.fixture(scope="module")
def realised(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("suivi")
    path, prae_id = realised_demo(folder, catalogue)
    store = open_store(path)
    snap = load_snapshot(store, prae_id, catalogue, convention=False)
    out = {}
    for name, document, year in (
        ("cr.pdf", "compte-rendu", YEAR),
        ("cr.xlsx", "compte-rendu", YEAR),
        ("bilan.pdf", "bilan", YEAR),
        ("evaluation.pdf", "evaluation", None),
    ):
        out[name] = followup_exports.export_followup(store, prae_id, catalogue, document, folder / name, year=year)
    store.close()
    cr = compte_rendu(snap.detail, snap.budget, snap.totals, snap.followup, YEAR)
    return snap, cr, out, path, prae_id


def test_the_figures_add_up_to_the_cent(realised):
    snap, cr, _, _, _ = realised
    gaps = year_gaps(snap.budget, snap.followup, YEAR)
    assert (cr.direct.forecast_cents, cr.direct.realised_cents) == (
        gaps.forecast_total_cents,
        gaps.realised_total_cents,
    )
    assert cr.charges_total.realised_cents == sum(x.realised_cents for x in cr.charges) + cr.indirect.realised_cents
    assert cr.indirect.realised_cents == sum(r for _, _, r in cr.share.by_action)  # shared out whole
    axes = axis_execution(snap.detail, snap.budget, snap.followup, YEAR)
    assert sum(f for _, f, _ in axes) == gaps.forecast_total_cents
    assert sum(r for _, _, r in axes) == gaps.realised_total_cents
    assert cr.products_total.realised_cents == sum(f.amount_cents for f in snap.followup.financing if f.year == YEAR)
    assert cr.contributions_charges.realised_cents == 240_000
    assert any(x.key == "charge:68" and x.realised_cents == 123_456 for x in cr.charges)


def test_compte_rendu_pdf_follows_the_cerfa_and_is_signable(realised):
    snap, cr, out, _, _ = realised
    text = pages(out["cr.pdf"])
    whole = "\n".join(text)
    for heading in (
        "1. Bilan qualitatif de l'action réalisée",
        "2. Tableau de synthèse",
        "3. Charges indirectes réparties",
        "4. Explication des écarts",
        "5. Contributions volontaires en nature",
        "Attestation",
    ):
        assert squeeze(heading) in squeeze(whole), heading
    assert "Prévu Réalisé Écart Écart (%)" in whole.replace("\u00a0", " ")
    assert GAP_HEADER[:3] == ["Prévu", "Réalisé", "Écart"]
    for line in (cr.direct, cr.charges_total, cr.products_total, cr.charges_with_contributions):
        row = (
            f"{format_amount(line.forecast_cents)} {format_amount(line.realised_cents)} {signed_money(line.gap_cents)}"
        )
        assert squeeze(line.label + row) in squeeze(whole), line.label
    assert squeeze(pct_text(cr.charges_total.gap_pct)) in squeeze(whole)
    assert squeeze("Report d'un séminaire à l'année suivante") in squeeze(whole)
    assert squeeze(cr.share.rule) in squeeze(whole)
    for action in snap.detail.actions:  # every title whole, never cut
        assert squeeze(action.title) in squeeze(whole), action.title
    assert "…" not in whole
    fields = list_signature_fields(out["cr.pdf"])
    assert [(f.name, f.signed, f.page_index) for f in fields] == [("Signature_ARML", False, len(text) - 1)]
    footer = PdfReader(out["cr.pdf"]).metadata
    assert footer is not None and footer.title.startswith(f"Compte rendu financier {YEAR}")
    short = whole.split("Empreinte numérique du document (SHA-256) :")[1].split()[0][:12]
    assert all(short in page and f"page {i} / {len(text)}" in page for i, page in enumerate(text, start=1))


def test_compte_rendu_workbook_recalculates_to_the_pdf_cents(realised, tmp_path):
    _, cr, out, _, _ = realised
    if libreoffice.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) absent : installer libreoffice-calc-nogui (voir .ci/system-packages)")
    wb = openpyxl.load_workbook(out["cr.xlsx"])
    assert str(wb["Synthèse"]["B7"].value).startswith("=") or any(
        isinstance(c.value, str) and c.value.startswith("=ROUND(SUM(")
        for row in wb["Synthèse"].iter_rows()
        for c in row
    )
    recalculated = libreoffice.recalculate(out["cr.xlsx"], tmp_path / "lo").output
    ws = openpyxl.load_workbook(recalculated, data_only=True)["Synthèse"]
    rows = {row[0].value: row for row in ws.iter_rows() if isinstance(row[0].value, str)}

    def cents(value) -> int:
        return int((Decimal(repr(value)) * 100).quantize(Decimal(1)))

    header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "Charges")]
    assert header[1:5] == ["Prévu", "Réalisé", "Écart", "Écart (%)"]
    for line in (cr.direct, cr.charges_total, cr.products_total, *cr.charges, *cr.products):
        row = rows[line.label]
        assert cents(row[1].value) == line.forecast_cents, line.label
        assert cents(row[2].value) == line.realised_cents, line.label
        assert cents(row[3].value) == line.gap_cents, line.label
        if line.gap_pct is not None:
            assert (Decimal(repr(row[4].value)) * 100).quantize(Decimal("0.01")) == line.gap_pct, line.label
    result = rows["Résultat (produits − charges)"]
    assert cents(result[2].value) == cr.result.realised_cents


def test_bilan_first_page_sums_up_the_year(realised):
    snap, cr, out, _, _ = realised
    text = pages(out["bilan.pdf"])
    first = squeeze(text[0])
    gaps = cr.gaps
    assert squeeze(f"Taux d'exécution du programme : {pct_text(gaps.execution_rate, signed=False)}") in first
    assert squeeze("Prévu Réalisé Écart Écart (%)") in first
    total = f"Total du programme {format_amount(gaps.forecast_total_cents)} {format_amount(gaps.realised_total_cents)}"
    assert squeeze(total) in first
    assert squeeze("Objectifs de la CPO couverts en 2018") in first
    # the axis chart's legend and values on page 1, the indicators' charts further on
    assert squeeze("Prévu Réalisé") in first and squeeze(format_amount(gaps.realised_total_cents)) in first
    whole = squeeze("\n".join(text))
    assert squeeze("Cible Réalisé") in whole
    for action in snap.detail.actions:
        assert squeeze(action.title) in whole, action.title
    assert "…" not in "\n".join(text)


def test_evaluation_gathers_the_three_years(realised):
    snap, _, out, _, _ = realised
    whole = "\n".join(pages(out["evaluation.pdf"]))
    for year in snap.detail.years:
        assert str(year) in whole
    assert squeeze("Aucune donnée réalisée n'est enregistrée pour : 2019, 2020") in squeeze(whole)
    gaps = year_gaps(snap.budget, snap.followup, YEAR)  # the period adds up the years with data only
    period = f"Années renseignées {format_amount(gaps.forecast_total_cents)} {format_amount(gaps.realised_total_cents)}"
    assert squeeze(period) in squeeze(whole)
    assert squeeze("Rien n'a été enregistré pour cette année.") in squeeze(whole)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_DATA_HOME=str(cwd / "xdg-data"))
    return subprocess.run(
        [sys.executable, "-m", "pnae_desktop", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )


def test_cli_exports_and_refuses_in_french_writing_nothing(realised, tmp_path):
    _, _, _, path, prae_id = realised
    db = ["--db", str(path), "--prae", str(prae_id)]
    ok = run_cli("export", "compte-rendu", *db, "--year", str(YEAR), "--out", "cr.xlsx", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "cr.xlsx").is_file()
    refused = {
        "hors de la période du PRAE (2018-2020)": ("bilan", "--year", "2025", "--out", "b.pdf"),
        "aucune donnée réalisée n'est enregistrée pour 2019": ("bilan", "--year", "2019", "--out", "b.pdf"),
        "doit se terminer par .pdf ou .xlsx": ("compte-rendu", "--year", str(YEAR), "--out", "b.docx"),
        "indiquez l'année (--year)": ("compte-rendu", "--out", "b.pdf"),
    }
    for message, (document, *rest) in refused.items():
        result = run_cli("export", document, *db, *rest, cwd=tmp_path)
        assert result.returncode == 2, (message, result.stderr)
        assert message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["cr.xlsx"]
    before = (tmp_path / "cr.xlsx").read_bytes()
    again = run_cli("export", "compte-rendu", *db, "--year", str(YEAR), "--out", "cr.xlsx", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert (tmp_path / "cr.xlsx").read_bytes() == before
    store_bytes = path.read_bytes()
    on_store = run_cli("export", "evaluation", *db, "--out", str(path), "--force", cwd=tmp_path)
    assert on_store.returncode == 2, on_store.stderr  # never the store, even with --force
    assert path.read_bytes() == store_bytes


def test_default_file_names(realised):
    summary = realised[0].detail.summary
    assert followup_exports.default_file_name(summary, "bilan", YEAR) == f"Bilan annuel Île-de-France {YEAR}.pdf"
    name = followup_exports.default_file_name(summary, "compte-rendu", YEAR, ".xlsx")
    assert name == f"Compte rendu financier Île-de-France {YEAR}.xlsx"
    assert followup_exports.default_file_name(summary, "evaluation") == "Évaluation finale Île-de-France 2018-2020.pdf"


def test_the_fingerprint_follows_the_realised_data(realised):
    from dataclasses import replace

    from pnae_desktop.domain.followup_report import FollowupData
    from pnae_desktop.exports.pdf.followup_common import followup_fingerprint

    snap, _, _, _, _ = realised
    data = FollowupData(snap.detail, snap.catalogue, snap.budget, snap.totals, snap.followup)
    same = FollowupData(snap.detail, snap.catalogue, snap.budget, snap.totals, replace(snap.followup))
    assert followup_fingerprint(data, [YEAR]) == followup_fingerprint(same, [YEAR])
    charges = snap.followup.charges
    changed = replace(
        snap.followup, charges=(replace(charges[0], amount_cents=charges[0].amount_cents + 1), *charges[1:])
    )
    moved = FollowupData(snap.detail, snap.catalogue, snap.budget, snap.totals, changed)
    assert followup_fingerprint(moved, [YEAR]) != followup_fingerprint(data, [YEAR])
    assert followup_fingerprint(moved, [YEAR + 1]) == followup_fingerprint(data, [YEAR + 1])  # another year's


def test_accounts_and_explanations_of_the_longest_size_flow_over_pages_whole(tmp_path, catalogue):
    """A 20 000-character account or explanation (the longest the follow-up accepts) is printed
    whole over as many pages as it needs, in every document (a table row splits)."""
    from dataclasses import replace

    from pnae_desktop.domain import followup as fu
    from pnae_desktop.services import edits_followup as ef
    from pnae_desktop.services.session import PraeSession

    path, prae_id = realised_demo(tmp_path, catalogue)
    store = open_store(path)
    snap = load_snapshot(store, prae_id, catalogue, convention=False)
    words = " ".join(f"mot{i}" for i in range(2200))
    assert len(words) <= 20_000
    session = PraeSession(store, catalogue, prae_id)
    action = snap.detail.actions[0]
    report = snap.followup.report(action.id, YEAR)
    session.apply(ef.SetActionReport("Compte rendu", replace(report, account=words + " FIN-COMPTE")))
    charge = snap.followup.charges[1]
    key = fu.charge_key(charge.action_id, charge.nature)
    session.apply(ef.SetExplanation("Explication", YEAR, key, words + " FIN-EXPLICATION"))
    written = {
        name: followup_exports.export_followup(store, prae_id, catalogue, document, tmp_path / name, year=year)
        for name, document, year in (
            ("cr.pdf", "compte-rendu", YEAR),
            ("bilan.pdf", "bilan", YEAR),
            ("evaluation.pdf", "evaluation", None),
        )
    }
    store.close()
    for name, path in written.items():
        text = " ".join(pages(path)).split()
        assert "FIN-COMPTE" in text, name
        assert all(f"mot{i}" in text for i in range(2200)), name
    assert "FIN-EXPLICATION" in " ".join(pages(written["cr.pdf"])).split()


def test_show_the_documents_and_the_workbook_agree_to_the_cent(realised, tmp_path):
    """`show --format json` (realised → gaps), the compte rendu, the bilan's first page and the
    workbook print the same totals of the year."""
    import json

    snap, cr, out, path, prae_id = realised
    result = run_cli("show", "--db", str(path), "--prae", str(prae_id), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    gaps = json.loads(result.stdout)["realised"]["years"][str(YEAR)]["gaps"]

    def cents(text: str) -> int:
        return int(Decimal(text) * 100)

    assert cents(gaps["forecast_total"]) == cr.direct.forecast_cents
    assert cents(gaps["realised_total"]) == cr.direct.realised_cents
    assert Decimal(gaps["execution_rate"]) == cr.gaps.execution_rate
    assert sum(cents(f["realised"]) for f in gaps["financing"]) == cr.products_total.realised_cents
    shown = squeeze(f"{format_amount(cents(gaps['forecast_total']))} {format_amount(cents(gaps['realised_total']))}")
    assert shown in squeeze("\n".join(pages(out["cr.pdf"])))  # « Total des charges directes »
    assert shown in squeeze(pages(out["bilan.pdf"])[0])  # « Total du programme »
    wb = openpyxl.load_workbook(out["cr.xlsx"])  # the amounts the formulas add up, as written
    amounts = [
        row[2].value
        for row in wb["Synthèse"].iter_rows()
        if row[0].value in {x.label for x in cr.charges if x.key != "charge:68"}
    ]
    assert sum(int(Decimal(repr(v)) * 100) for v in amounts) == cr.direct.realised_cents


def test_a_text_starting_with_equals_stays_text_in_the_workbook(realised, tmp_path):
    """An explanation or a label typed « =HYPERLINK(…) » is written as text, never a formula."""
    from dataclasses import replace

    from pnae_desktop.domain import followup as fu
    from pnae_desktop.domain.followup_report import FollowupData
    from pnae_desktop.exports.followup_workbook import write_compte_rendu_workbook

    snap, _, _, _, _ = realised
    hostile = '=HYPERLINK("http://exemple.invalid","clic")'
    first = snap.followup.charges[0]
    followup = replace(
        snap.followup,
        explanations=(fu.Explanation(YEAR, fu.charge_key(first.action_id, first.nature), hostile),),
        contributions=(fu.ContributionInKind(YEAR, "864", "=1+1", 100),),
    )
    data = FollowupData(snap.detail, snap.catalogue, snap.budget, snap.totals, followup)
    path = write_compte_rendu_workbook(data, YEAR, tmp_path / "cr.xlsx", fingerprint="0" * 64)
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in (hostile, "=1+1")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    formulas = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas and all(str(c.value).startswith(("=ROUND(", "=IF(B")) for c in formulas)


def test_a_postgresql_store_exports_the_same_figures(pg_url, tmp_path, catalogue):
    """The realised year read from PostgreSQL (one REPEATABLE READ snapshot) prints the same
    cents as the domain computes from it, in the bilan and the recalculable workbook."""
    from followup_docs_data import fill_realised

    from pnae_desktop.services import demo

    store = open_store(url=pg_url)
    try:
        prae_id = demo.create_demo(store, catalogue)
        fill_realised(store, catalogue, prae_id)
        snap = load_snapshot(store, prae_id, catalogue, convention=False)
        bilan = followup_exports.export_followup(store, prae_id, catalogue, "bilan", tmp_path / "b.pdf", year=YEAR)
        book = followup_exports.export_followup(
            store, prae_id, catalogue, "compte-rendu", tmp_path / "cr.xlsx", year=YEAR
        )
    finally:
        store.close()
    cr = compte_rendu(snap.detail, snap.budget, snap.totals, snap.followup, YEAR)
    total = f"Total du programme {format_amount(cr.direct.forecast_cents)} {format_amount(cr.direct.realised_cents)}"
    assert squeeze(total) in squeeze(pages(bilan)[0])
    ws = openpyxl.load_workbook(book)["Synthèse"]
    labels = {row[0].value for row in ws.iter_rows()}
    assert {x.label for x in cr.charges} <= labels


def test_indirect_share_follows_the_key_and_unplaced_costs_keep_their_cents(realised):
    """With an ETP or manual key the realised share of each action is the planned one (the
    follow-up records no realised ETP); with the « direct » key it follows the realised direct
    charges; an action without CPO objective lands in « non affecté », every cent kept."""
    from dataclasses import replace

    from pnae_desktop.domain import budget as dom
    from pnae_desktop.domain.followup_report import indirect_share

    snap, cr, _, _, _ = realised
    direct = indirect_share(snap.detail, snap.budget, snap.totals, snap.followup, YEAR)
    assert direct.method == "direct" and [r for _, _, r in direct.by_action] != [f for _, f, _ in direct.by_action]
    keys = tuple(k for k in snap.budget.allocation_keys if k.year != YEAR) + (dom.AllocationKey(YEAR, "etp"),)
    etp_budget = replace(snap.budget, allocation_keys=keys)
    etp = indirect_share(snap.detail, etp_budget, snap.totals, snap.followup, YEAR)
    assert etp.method == "etp" and "équivalents temps plein" in etp.rule
    assert [r for _, _, r in etp.by_action] == [f for _, f, _ in etp.by_action]
    first = snap.budget.actions[0]
    orphan = replace(
        snap.budget, actions=(replace(first, objective_codes=(), objective_shares=None), *snap.budget.actions[1:])
    )
    axes = dict((a, (f, r)) for a, f, r in axis_execution(snap.detail, orphan, snap.followup, YEAR))
    assert None in axes
    assert sum(f for f, _ in axes.values()) == cr.direct.forecast_cents
    assert sum(r for _, r in axes.values()) == cr.direct.realised_cents
