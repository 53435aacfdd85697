"""The compte rendu financier of a year as a workbook (.xlsx), the same content as the PDF.

Sheets: « Synthèse » (charges and produits: « Prévu », « Réalisé », « Écart » in € and %),
« Écarts » (per action and nature, per funder, with their explanations), « Charges
indirectes » (the rule and the share of each action), « Contributions » (86/87), « Bilan
qualitatif » (each action's account) and « Attestation ». Every total, gap and percentage is a
live formula over the amounts (typed as exact two-decimal numbers), so a workbook recalculated
by Excel or LibreOffice shows the PDF's figures to the cent. Column A holds each row's label,
column B the forecast, C the realised, D the gap (C − B), E the gap in % of the forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from pnae_desktop.domain.followup import ACTION_STATUSES, indicator_rows
from pnae_desktop.domain.followup_report import CompteRendu, FollowupData, ReportLine, compte_rendu
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.workbook.styles import EURO, EURO_SIGNED, PERCENT

SYNTHESIS, GAPS, INDIRECT, CONTRIBUTIONS, QUALITATIVE, ATTESTATION = (
    "Synthèse",
    "Écarts",
    "Charges indirectes",
    "Contributions",
    "Bilan qualitatif",
    "Attestation",
)
HEADER = ["Prévu", "Réalisé", "Écart", "Écart (%)"]
NAVY = "1D3A5F"
_head_font = Font(bold=True, color="FFFFFF")
_head_fill = PatternFill(fill_type="solid", start_color=NAVY, end_color=NAVY)
_total_fill = PatternFill(fill_type="solid", start_color="E4EBF3", end_color="E4EBF3")
_rule = Border(top=Side(style="medium", color=NAVY))
_wrap = Alignment(wrap_text=True, vertical="top")
_top = Alignment(vertical="top")


class Formula(str):
    """A cell text meant as a formula; any other text starting with « = » stays text."""


def put(ws: Worksheet, row: int, col: int, value: object) -> None:
    """Write one cell: a typed text that starts with « = » (a label, an explanation) is kept as
    text, never run as a formula by Excel or LibreOffice; only :class:`Formula` is one."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith("=") and not isinstance(value, Formula):
        cell.data_type = "s"


def append(ws: Worksheet, values: list[object]) -> int:
    """Append a row through :func:`put`; return its number."""
    row = ws._current_row + 1  # where openpyxl's own append() writes (empty rows counted)
    ws._current_row = row
    for col, value in enumerate(values, start=1):
        put(ws, row, col, value)
    return row


def fit_height(ws: Worksheet, row: int) -> None:
    """A row tall enough for its wrapped texts (openpyxl does not measure them; Excel and
    LibreOffice keep a set height): lines estimated from each text cell's column width."""
    lines = 1
    for cell in ws[row]:
        if isinstance(cell.value, str) and not cell.value.startswith("="):
            width = ws.column_dimensions[cell.column_letter].width or 10
            per_line = max(int(width * 1.1) - 2, 8)
            lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n")))
    if lines > 1:
        ws.row_dimensions[row].height = 15 * lines


def euros(cents: int) -> Decimal:
    """Exact euros for a cell (two decimals, never a binary float computed here)."""
    return Decimal(cents).scaleb(-2)


class _Table:
    """Rows of « label | Prévu | Réalisé | Écart | Écart (%) » with formula totals."""

    def __init__(self, ws: Worksheet, first: str) -> None:
        self.ws = ws
        ws.append([])
        append(ws, [first, *HEADER])
        for cell in ws[ws.max_row]:
            cell.font, cell.fill = _head_font, _head_fill

    def line(self, line: ReportLine) -> int:
        ws = self.ws
        append(ws, [line.label, euros(line.forecast_cents), euros(line.realised_cents)])
        r = ws.max_row
        self._gap(r)
        return r

    def total(self, label: str, rows: Sequence[int]) -> int:
        ws = self.ws
        r = ws.max_row + 1
        refs = {c: ",".join(f"{c}{x}" for x in rows) or "0" for c in "BC"}
        append(ws, [label, Formula(f"=ROUND(SUM({refs['B']}),2)"), Formula(f"=ROUND(SUM({refs['C']}),2)")])
        self._gap(r)
        for cell in ws[r]:
            cell.font, cell.fill, cell.border = Font(bold=True), _total_fill, _rule
        return r

    def _gap(self, r: int) -> None:
        ws = self.ws
        ws[f"D{r}"] = Formula(f"=ROUND(C{r}-B{r},2)")
        ws[f"E{r}"] = Formula(f'=IF(B{r}=0,"",ROUND((C{r}-B{r})/B{r},4))')
        ws[f"A{r}"].alignment = _wrap
        for c in "BC":
            ws[f"{c}{r}"].number_format = EURO
        ws[f"D{r}"].number_format = EURO_SIGNED
        ws[f"E{r}"].number_format = PERCENT
        for c in "BCDE":
            ws[f"{c}{r}"].alignment = _top
        fit_height(ws, r)


def _setup(ws: Worksheet, widths: Sequence[float], title: str, subtitle: str) -> None:
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    append(ws, [title])
    ws["A1"].font = Font(bold=True, size=14, color=NAVY)
    append(ws, [subtitle])
    ws["A2"].font = Font(italic=True, color="404040")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _synthesis(ws: Worksheet, cr: CompteRendu, subtitle: str) -> None:
    _setup(ws, [58, 16, 16, 16, 12], f"Compte rendu financier {cr.year} – tableau de synthèse", subtitle)
    t = _Table(ws, "Charges")
    direct_rows = [t.line(x) for x in cr.charges if x.key != "charge:68"]
    direct = t.total(cr.direct.label, direct_rows)
    others = [t.line(x) for x in cr.charges if x.key == "charge:68"]
    indirect = t.line(cr.indirect)
    charges = t.total(cr.charges_total.label, [direct, *others, indirect])
    c86 = t.line(cr.contributions_charges)
    t.total("Total des charges et des contributions (86)", [charges, c86])
    t = _Table(ws, "Produits")
    products = [t.line(x) for x in cr.products]
    total = t.total(cr.products_total.label, products)
    c87 = t.line(cr.contributions_products)
    t.total("Total des produits et des contributions (87)", [total, c87])
    r = ws.max_row + 2
    ws.append([])
    append(
        ws,
        [
            "Résultat (produits − charges)",
            Formula(f"=ROUND(B{total}-B{charges},2)"),
            Formula(f"=ROUND(C{total}-C{charges},2)"),
        ],
    )
    for c in "BC":
        ws[f"{c}{r}"].number_format = EURO_SIGNED
    ws[f"A{r}"].font = Font(bold=True)


def _gaps(ws: Worksheet, cr: CompteRendu, threshold: Decimal) -> None:
    _setup(ws, [58, 16, 16, 16, 12, 60], f"Explication des écarts {cr.year}", f"Seuil de suivi : {threshold} %")
    for title, lines in (
        ("Charges par action et nature", cr.gaps.charges),
        ("Financements par financeur", cr.gaps.financing),
    ):
        t = _Table(ws, title)
        ws.cell(ws.max_row, 6, "Explication").font = _head_font
        ws.cell(ws.max_row, 6).fill = _head_fill
        rows = []
        for g in lines:
            r = t.line(ReportLine(g.key, g.label, g.forecast_cents, g.realised_cents))
            text = g.explanation.strip() or ("Explication non renseignée." if g.needs_explanation else "")
            put(ws, r, 6, text)
            ws.cell(r, 6).alignment = _wrap
            fit_height(ws, r)
            rows.append(r)
        t.total("Total", rows)


def _indirect(ws: Worksheet, cr: CompteRendu) -> None:
    _setup(ws, [58, 16, 16, 16, 12], f"Charges indirectes réparties {cr.year}", cr.share.rule)
    ws["A2"].alignment = _wrap
    t = _Table(ws, "Fiche action")
    rows = [t.line(ReportLine(title, title, f, r)) for title, f, r in cr.share.by_action]
    t.total("Total réparti", rows)


def _contributions(ws: Worksheet, cr: CompteRendu) -> None:
    _setup(
        ws, [14, 58, 16], f"Contributions volontaires en nature {cr.year}", "Comptes 86 (emplois) et 87 (contributions)"
    )
    ws.append([])
    append(ws, ["Compte", "Nature", "Réalisé"])
    head = ws.max_row
    for cell in ws[head]:
        cell.font, cell.fill = _head_font, _head_fill
    for account, label, cents in cr.contribution_items:
        append(ws, [account, label, euros(cents)])
        ws.cell(ws.max_row, 3).number_format = EURO
    r = ws.max_row + 1
    append(ws, ["", "Total", Formula(f"=ROUND(SUM(C{head + 1}:C{r - 1}),2)") if r - 1 > head else 0])
    ws.cell(r, 3).number_format = EURO
    ws.cell(r, 2).font = Font(bold=True)


def _qualitative(ws: Worksheet, data: FollowupData, year: int) -> None:
    _setup(ws, [40, 16, 70], f"Bilan qualitatif {year}", data.detail.summary.title)
    ws.append([])
    append(ws, ["Fiche action", "Statut", "Compte rendu, difficultés, livrables, indicateurs"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = _head_font, _head_fill
    indicators = indicator_rows(data.detail, data.followup, year)
    for n, action in enumerate(data.detail.actions, start=1):
        report = data.followup.report(action.id, year)
        status = ACTION_STATUSES.get(report.status or "", "non renseigné") if report is not None else "non renseigné"
        parts = []
        if report is not None:
            for label, text in (
                ("Compte rendu", report.account),
                ("Difficultés", report.difficulties),
                ("Livrables", report.deliverables),
            ):
                if text.strip():
                    parts.append(f"{label} : {text.strip()}")
        for r in indicators:
            if r.action_id == action.id:
                parts.append(
                    f"{r.label} : réalisé {r.realised if r.realised is not None else '—'} pour une cible de {r.target if r.target is not None else '—'}"
                )
        append(ws, [f"Fiche {n} – {action.title}", status, "\n".join(parts)])
        for cell in ws[ws.max_row]:
            cell.alignment = _wrap
        fit_height(ws, ws.max_row)


def _attestation(ws: Worksheet, data: FollowupData, year: int, fingerprint: str) -> None:
    org = data.detail.organisation
    _setup(ws, [100], "Attestation", org.name)
    who = org.representative_name or "(nom et prénom)"
    quality = org.representative_title or "représentant(e) légal(e)"
    for line in (
        "",
        f"Je soussigné(e), {who}, {quality} de {org.name}, certifie exactes les informations "
        f"du présent compte rendu financier de l'exercice {year}.",
        "",
        "Fait à ______________________________, le ____________________",
        "",
        "Signature du représentant légal et cachet :",
        "",
        f"Empreinte du document (SHA-256) : {fingerprint}",
    ):
        append(ws, [line])
        ws.cell(ws.max_row, 1).alignment = _wrap
        fit_height(ws, ws.max_row)


def build_compte_rendu_workbook(
    data: FollowupData, year: int, *, fingerprint: str, app_version: str | None = None
) -> Workbook:
    cr = compte_rendu(data.detail, data.budget, data.totals, data.followup, year)
    wb = Workbook()
    subtitle = f"{data.detail.organisation.name} – {data.detail.summary.title}"
    _synthesis(wb.active, cr, subtitle)
    wb.active.title = SYNTHESIS
    _gaps(wb.create_sheet(GAPS), cr, data.followup.threshold_pct)
    _indirect(wb.create_sheet(INDIRECT), cr)
    _contributions(wb.create_sheet(CONTRIBUTIONS), cr)
    _qualitative(wb.create_sheet(QUALITATIVE), data, year)
    _attestation(wb.create_sheet(ATTESTATION), data, year, fingerprint)
    wb.properties.title = f"Compte rendu financier {year}"
    wb.properties.creator = data.detail.organisation.name[:255]
    if app_version:
        wb.properties.description = f"PNAE Desktop {app_version}"
    wb.calculation.fullCalcOnLoad = True
    return wb


def write_compte_rendu_workbook(
    data: FollowupData, year: int, out_path: Path | str, *, fingerprint: str, app_version: str | None = None
) -> Path:
    wb = build_compte_rendu_workbook(data, year, fingerprint=fingerprint, app_version=app_version)
    with atomic_output(out_path) as tmp:
        wb.save(tmp)
    return Path(out_path)
