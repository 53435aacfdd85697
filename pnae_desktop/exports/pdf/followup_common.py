"""What the follow-up documents (compte rendu financier, bilan annuel, évaluation finale) share:
their input (:class:`FollowupData`), their fingerprint, the formatting of gaps, the
« Prévu / Réalisé / Écart » table, the title block and the per-action account."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from pnae_desktop.domain.convention import french_date
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.domain.followup import ACTION_STATUSES, indicator_rows
from pnae_desktop.domain.followup_report import FollowupData, ReportLine
from pnae_desktop.domain.money import LOCALE
from pnae_desktop.exports.pdf.page import PdfMeta, default_creator
from pnae_desktop.exports.pdf.prae import prae_fingerprint
from pnae_desktop.exports.pdf.prae_data import ABSENT, PraeData, money, number_text
from pnae_desktop.exports.pdf.styles import FRAME_WIDTH, para, styles
from pnae_desktop.exports.pdf.tables import data_table, key_value_table

SHORT_FINGERPRINT = 12
GAP_HEADER = ["Prévu", "Réalisé", "Écart", "Écart (%)"]


def followup_fingerprint(data: FollowupData, years: Sequence[int]) -> str:
    """SHA-256 of the PRAE's content (as the convention's annexes) and of the realised data of
    `years`: the same data always gives the same fingerprint."""
    base = prae_fingerprint(data.detail, data.totals)
    f = data.followup
    wanted = set(years)
    content = {
        "prae": base,
        "years": sorted(wanted),
        "threshold": str(f.threshold_pct),
        "realised": [
            asdict(x)
            for group in (f.reports, f.indicators, f.charges, f.financing, f.others, f.contributions, f.explanations)
            for x in group
            if x.year in wanted
        ],
    }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def follow_meta(detail: PraeDetail, title: str, header: str, app_version: str | None) -> PdfMeta:
    s = detail.summary
    return PdfMeta(
        title=f"{title} – {s.region_name}",
        author=detail.organisation.name,
        subject=s.title,
        keywords=("PRAE", "PNAE", "suivi", s.region_name),
        header_title=header,
        creator=f"PNAE Desktop {app_version}" if app_version else default_creator(),
    )


# -- formatting ------------------------------------------------------------------------------


def signed_money(cents: int) -> str:
    """A gap: "+1 234,56 €", "−1 234,56 €", "0,00 €"."""
    text = money(abs(cents))
    if cents > 0:
        return f"+{text}"
    if cents < 0:
        return f"\u2212{text}"
    return text


def pct_text(value: Decimal | None, *, signed: bool = True) -> str:
    """ "+12,50 %", "−3,00 %", "—" when there is no forecast to compare with."""
    if value is None:
        return ABSENT
    text = format_decimal(abs(value), format="#,##0.00", locale=LOCALE) + "\u00a0%"
    if not signed:
        return text
    return f"+{text}" if value > 0 else (f"\u2212{text}" if value < 0 else text)


def gap_cells(line: ReportLine) -> list[str]:
    return [
        money(line.forecast_cents),
        money(line.realised_cents),
        signed_money(line.gap_cents),
        pct_text(line.gap_pct),
    ]


def gap_table(first: str, lines: Sequence[ReportLine], totals: Sequence[ReportLine] = ()) -> Table:
    """« Poste | Prévu | Réalisé | Écart | Écart (%) », `totals` as bold rows after `lines`."""
    return gap_rows_table(first, [(x, False) for x in lines] + [(t, True) for t in totals])


def gap_rows_table(first: str, items: Sequence[tuple[ReportLine, bool]]) -> Table:
    """The same table with its rows in the given order, each (line, is it a total)."""
    rows = [[x.label, *gap_cells(x)] for x, _ in items]
    total_at = [i for i, (_, is_total) in enumerate(items) if is_total]
    return data_table([first, *GAP_HEADER], rows, numeric=[False, True, True, True, True], total_rows=total_at)


def title_block(
    data: FollowupData, kind: str, subtitle: str, extra: Sequence[tuple[str, str]] = (), *, compact: bool = False
) -> list[Flowable]:
    """The document's first lines: the ARML, the kind of document, the PRAE and an identity box
    (`compact`: the programme, `extra` and the date only, for a one-page summary)."""
    st = styles()
    d = data.detail
    org = d.organisation
    rows: list[tuple[str, Flowable | str]] = [
        ("Association", org.name),
        ("SIRET", org.siret or ABSENT),
        ("Représentée par", ", ".join(p for p in (org.representative_name, org.representative_title) if p) or ABSENT),
        ("Programme", d.summary.title),
        ("Région", d.summary.region_name),
        ("Convention", f"Convention pluriannuelle d'objectifs {d.summary.start_year}-{d.summary.end_year}"),
        *extra,
        ("Édité le", french_date(date.today())),
    ]
    if compact:
        rows = [r for r in rows if r[0] in ("Programme", "Édité le") or r in extra]
    return [
        para(org.name, st.cover_org),
        Spacer(1, 2 * mm),
        para(kind, st.cover_kind),
        para(subtitle, st.cover_title),
        Spacer(1, 3 * mm),
        key_value_table(rows, width=FRAME_WIDTH, label_width=42 * mm),
        Spacer(1, 4 * mm),
    ]


def fingerprint_note(fingerprint: str) -> list[Flowable]:
    st = styles()
    return [
        Spacer(1, 6),
        para("Empreinte numérique du document (SHA-256) :", st.small),
        para(fingerprint, st.small),
        para(
            f"Ses {SHORT_FINGERPRINT} premiers caractères figurent au pied de chaque page.",
            st.note,
        ),
    ]


# -- an action's account ---------------------------------------------------------------------


def status_text(data: FollowupData, action: PraeAction, year: int) -> str:
    report = data.followup.report(action.id, year)
    if report is None or report.status is None:
        return "statut non renseigné"
    return ACTION_STATUSES.get(report.status, report.status)


def action_account(
    data: FollowupData, action: PraeAction, year: int, *, with_indicators: bool = True
) -> list[Flowable]:
    """Status, milestones done, the account, difficulties, deliverables and the indicators of
    one action in `year`; each text whole."""
    st = styles()
    report = data.followup.report(action.id, year)
    pairs: list[tuple[str, Flowable | str]] = [("Statut", status_text(data, action, year))]
    if action.milestones:
        done = dict(report.milestones_done) if report is not None else {}
        lines = []
        for i, m in enumerate(action.milestones):
            if m.year != year and i not in done:
                continue
            if i in done:
                when = done[i]
                mark = f"fait le {when.strftime('%d/%m/%Y')}" if when is not None else "fait"
            else:
                mark = "non fait"
            lines.append(f"{m.when_label} – {m.text} : {mark}")
        if lines:
            pairs.append(("Jalons", [para(line, st.cell) for line in lines]))  # type: ignore[list-item]
    if report is not None:
        for label, text in (
            ("Compte rendu", report.account),
            ("Difficultés", report.difficulties),
            ("Livrables", report.deliverables),
        ):
            if text.strip():
                pairs.append((label, text))
    out: list[Flowable] = [splittable(key_value_table(pairs, label_width=32 * mm))]
    if with_indicators:
        rows = [r for r in indicator_rows(data.detail, data.followup, year) if r.action_id == action.id]
        if rows:
            table_rows = [
                [
                    r.label,
                    number_text(r.baseline, r.unit),
                    number_text(r.target, r.unit),
                    number_text(r.realised, r.unit),
                    _signed_number(r.gap, r.unit),
                ]
                for r in rows
            ]
            out += [
                Spacer(1, 4),
                data_table(
                    ["Indicateur", "Référence", f"Cible {year}", "Réalisé", "Écart"],
                    table_rows,
                    numeric=[False, True, True, True, True],
                ),
            ]
    out.append(Spacer(1, 6))
    return out


def _signed_number(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ABSENT
    text = number_text(abs(value), unit)
    return f"+{text}" if value > 0 else (f"\u2212{text}" if value < 0 else text)


def splittable(table: Table) -> Table:
    """`table` allowed to split inside a row: a cell holding a long account (up to 20 000
    characters) flows over pages instead of failing the layout, its text whole."""
    table.splitInRow = 1
    return table


def prae_of(data: FollowupData) -> PraeData:
    """The PRAE's sections' view of the data (fiche numbers and titles)."""
    return PraeData(data.detail, data.catalogue, data.budget, data.totals)
