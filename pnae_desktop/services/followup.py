"""Follow-up services: reading and writing what was realised (reports, indicators, realised
amounts, explanations, the gap threshold, the mapping of accounting entries).

Each writer is one transaction, checks every value before writing anything, and returns what
was there before (the edits in services/edits_followup.py build their inverse from it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain import rules
from pnae_desktop.domain.fec_mapping import check_rules
from pnae_desktop.domain.money import MAX_LINE_CENTS, format_amount
from pnae_desktop.errors import ValidationError
from pnae_desktop.services.rows import prae_row, touch
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import (
    ActionReportRow,
    ClosedYearRow,
    FollowUpSettingsRow,
    FunderRow,
    GapExplanationRow,
    IndicatorResultRow,
    MappingRuleRow,
    PraeActionRow,
    PraeRow,
    RealisedChargeRow,
    RealisedFinancingRow,
    RealisedOtherRow,
    ReportMilestoneRow,
)

MAX_INDICATOR_VALUE = Decimal("999999999999.99")

# -- reading ---------------------------------------------------------------------------------


def load_followup(store: Store, prae_id: int) -> fu.FollowUp:
    with store.transaction() as session:
        prae_row(session, prae_id)
        action_ids = list(session.scalars(select(PraeActionRow.id).where(PraeActionRow.prae_id == prae_id)))
        settings = session.get(FollowUpSettingsRow, prae_id)
        milestones: dict[tuple[int, int], list[tuple[int, object]]] = {}
        for m in session.scalars(
            select(ReportMilestoneRow)
            .where(ReportMilestoneRow.action_id.in_(action_ids))
            .order_by(ReportMilestoneRow.milestone_index)
        ):
            milestones.setdefault((m.action_id, m.year), []).append((m.milestone_index, m.done_on))
        report_rows = session.scalars(
            select(ActionReportRow)
            .where(ActionReportRow.action_id.in_(action_ids))
            .order_by(ActionReportRow.year, ActionReportRow.action_id)
        ).all()
        keys = {(r.action_id, r.year) for r in report_rows}
        reports = [
            fu.ActionReport(
                r.action_id,
                r.year,
                r.status,
                r.account,
                r.difficulties,
                r.deliverables,
                tuple(milestones.get((r.action_id, r.year), ())),  # type: ignore[arg-type]
            )
            for r in report_rows
        ]
        for (action_id, year), done in sorted(milestones.items()):
            if (action_id, year) not in keys:  # milestones without any other field
                reports.append(fu.ActionReport(action_id, year, None, milestones_done=tuple(done)))  # type: ignore[arg-type]
        i = IndicatorResultRow
        indicators = tuple(
            fu.IndicatorResult(r.action_id, r.indicator_index, r.year, r.value)
            for r in session.scalars(
                select(i).where(i.action_id.in_(action_ids)).order_by(i.year, i.action_id, i.indicator_index)
            )
        )
        # Charges and financing read back in a canonical order, not their insertion order: undo
        # and re-import re-insert lines under new ids, and the same set must read back the same
        # (the page shows them summed per action and funder). Other lines keep their typed order:
        # the contributions table shows them one by one and a line must not jump while typed in.
        c = RealisedChargeRow
        charges = tuple(
            fu.RealisedCharge(r.action_id, r.year, r.account, r.label, r.amount_cents, r.source)
            for r in session.scalars(
                select(c)
                .where(c.prae_id == prae_id)
                .order_by(c.year, c.action_id, c.account, c.label, c.source, c.amount_cents, c.id)
            )
        )
        f = RealisedFinancingRow
        financing = tuple(
            fu.RealisedFinancing(r.year, r.funder_id, r.amount_cents, r.action_id, r.source)
            for r in session.scalars(
                select(f)
                .where(f.prae_id == prae_id)
                .order_by(f.year, func.coalesce(f.action_id, 0), f.funder_id, f.source, f.amount_cents, f.id)
            )
        )
        o = RealisedOtherRow
        other_rows = session.scalars(select(o).where(o.prae_id == prae_id).order_by(o.year, o.id)).all()
        others = tuple(
            fu.OtherRealised(r.year, r.account, r.label, r.amount_cents, r.source)
            for r in other_rows
            if r.kind == "other"
        )
        contributions = tuple(
            fu.ContributionInKind(r.year, r.account, r.label, r.amount_cents, r.source)
            for r in other_rows
            if r.kind == "contribution"
        )
        g = GapExplanationRow
        explanations = tuple(
            fu.Explanation(r.year, r.key, r.text)
            for r in session.scalars(select(g).where(g.prae_id == prae_id).order_by(g.year, g.key))
        )
        return fu.FollowUp(
            settings.threshold_pct if settings is not None else fu.DEFAULT_THRESHOLD_PCT,
            tuple(sorted(reports, key=lambda r: (r.year, r.action_id))),
            indicators,
            charges,
            financing,
            others,
            contributions,
            explanations,
            load_mapping(store, prae_id),
        )


def load_mapping(store: Store, prae_id: int) -> tuple[fu.MappingRule, ...]:
    with store.transaction() as session:
        m = MappingRuleRow
        return tuple(
            fu.MappingRule(r.match, r.pattern, r.action, r.share, r.funder)
            for r in session.scalars(select(m).where(m.prae_id == prae_id).order_by(m.position))
        )


# -- checks ----------------------------------------------------------------------------------


def _action(session: Session, prae_id: int, action_id: int) -> PraeActionRow:
    row = session.get(PraeActionRow, action_id)
    if row is None or row.prae_id != prae_id:
        raise ValidationError(f"Action n° {action_id} introuvable dans ce PRAE.")
    return row


def _year(prae: PraeRow, year: int, where: str) -> None:
    if not prae.start_year <= year <= prae.end_year:
        raise ValidationError(
            f"{where} : l'année {year} est hors de la période du PRAE ({prae.start_year}–{prae.end_year})."
        )
    session = object_session(prae)
    if session is not None and session.get(ClosedYearRow, (prae.id, year)) is not None:
        raise ValidationError(
            f"{where} : l'année {year} est clôturée (le PRAE {year + 1} a été préparé) ; son suivi ne peut "
            "plus être modifié. Rien n'a été changé."
        )


def _text(value: str, field: str, limit: int = 20_000) -> str:
    rules.check_text(value, field, long_text=True)
    if len(value) > limit:
        raise ValidationError(f"« {field} » : texte trop long ({limit} caractères au plus).")
    return value


def _amount(cents: int, where: str) -> None:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise ValidationError(f"{where} : montant invalide.")
    if abs(cents) > MAX_LINE_CENTS:
        raise ValidationError(f"{where} : montant absurde (plus de {format_amount(MAX_LINE_CENTS)}).")


def _line_text(label: str, where: str) -> str:
    label = label.strip()
    rules.check_text(label, "Libellé")
    if len(label) > 300:
        raise ValidationError(f"{where} : libellé trop long (300 caractères au plus).")
    return label


# -- writing ---------------------------------------------------------------------------------


def set_action_report(store: Store, prae_id: int, report: fu.ActionReport) -> fu.ActionReport:
    """Write one action's report of one year (an empty report removes it); return the previous."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        action = _action(session, prae_id, report.action_id)
        where = f"Compte rendu de l'action « {action.title} » ({report.year})"
        _year(prae, report.year, where)
        if report.status is not None and report.status not in fu.ACTION_STATUSES:
            raise ValidationError(f"{where} : statut « {report.status} » inconnu.")
        _text(report.account, "Compte rendu")
        _text(report.difficulties, "Difficultés")
        _text(report.deliverables, "Livrables produits")
        count = len(action.calendar)
        seen = set()
        for index, _day in report.milestones_done:
            if not 0 <= index < count or index in seen:
                raise ValidationError(f"{where} : jalon n° {index + 1} inconnu.")
            seen.add(index)
        previous = _report(session, report.action_id, report.year)
        row = session.get(ActionReportRow, (report.action_id, report.year))
        if report.is_empty:
            if row is not None:
                session.delete(row)
        else:
            if row is None:
                row = ActionReportRow(action_id=report.action_id, year=report.year)
                session.add(row)
            row.status, row.account = report.status, report.account
            row.difficulties, row.deliverables = report.difficulties, report.deliverables
        # Row by row (not a bulk DELETE): each is checked against what the user saw (concurrency).
        r = ReportMilestoneRow
        marks = {
            m.milestone_index: m
            for m in session.scalars(select(r).where(r.action_id == report.action_id, r.year == report.year))
        }
        for index, day in report.milestones_done:
            mark = marks.pop(index, None)
            if mark is None:
                session.add(r(action_id=report.action_id, year=report.year, milestone_index=index, done_on=day))
            else:
                mark.done_on = day
        for mark in marks.values():
            session.delete(mark)
        session.flush()
        touch(session, prae_id)
        return previous


def _report(session: Session, action_id: int, year: int) -> fu.ActionReport:
    row = session.get(ActionReportRow, (action_id, year))
    r = ReportMilestoneRow
    done = tuple(
        (m.milestone_index, m.done_on)
        for m in session.scalars(select(r).where(r.action_id == action_id, r.year == year).order_by(r.milestone_index))
    )
    if row is None:
        return fu.ActionReport(action_id, year, None, milestones_done=done)
    return fu.ActionReport(action_id, year, row.status, row.account, row.difficulties, row.deliverables, done)


def set_indicator_result(store: Store, prae_id: int, result: fu.IndicatorResult) -> fu.IndicatorResult:
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        action = _action(session, prae_id, result.action_id)
        indicators = len(action.indicators)
        where = f"Indicateur n° {result.indicator_index + 1} de l'action « {action.title} » ({result.year})"
        _year(prae, result.year, where)
        if not 0 <= result.indicator_index < indicators:
            raise ValidationError(f"{where} : indicateur inconnu.")
        if result.value is not None:
            if not isinstance(result.value, Decimal) or not result.value.is_finite():
                raise ValidationError(f"{where} : valeur invalide.")
            if abs(result.value) > MAX_INDICATOR_VALUE or result.value != result.value.quantize(Decimal("0.01")):
                raise ValidationError(f"{where} : valeur invalide (au plus deux décimales).")
        key = (result.action_id, result.indicator_index, result.year)
        row = session.get(IndicatorResultRow, key)
        previous = replace(result, value=None if row is None else row.value)
        if result.value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(IndicatorResultRow(action_id=key[0], indicator_index=key[1], year=key[2], value=result.value))
        else:
            row.value = result.value
        session.flush()
        touch(session, prae_id)
        return previous


def set_realised_charges(
    store: Store,
    prae_id: int,
    year: int,
    charges: list[fu.RealisedCharge],
    *,
    action_id: int | None = None,
    source: str | None = None,
) -> list[fu.RealisedCharge]:
    """Replace the year's realised charges (of one action when `action_id` is given, of one
    source when `source` is given); return the ones replaced."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        _year(prae, year, "Charges réalisées")
        for charge in charges:
            action = _action(session, prae_id, charge.action_id)
            where = f"Charge réalisée « {charge.account} {charge.label} » de l'action « {action.title} »"
            if charge.year != year or (action_id is not None and charge.action_id != action_id):
                raise ValidationError(f"{where} : hors de l'ensemble remplacé.")
            if source is not None and charge.source != source:
                raise ValidationError(f"{where} : origine « {charge.source} » inattendue.")
            _check_line(prae, charge.year, charge.account, charge.label, charge.amount_cents, charge.source, where)
            if charge.nature not in fu.CHARGE_NATURES:
                raise ValidationError(f"{where} : le compte doit être un compte de charges 60 à 67.")
        c = RealisedChargeRow
        query = select(c).where(c.prae_id == prae_id, c.year == year)
        if action_id is not None:
            query = query.where(c.action_id == action_id)
        if source is not None:
            query = query.where(c.source == source)
        rows = session.scalars(query.order_by(c.id)).all()
        previous = [fu.RealisedCharge(r.action_id, r.year, r.account, r.label, r.amount_cents, r.source) for r in rows]
        for charge in _replace(session, rows, previous, charges, lambda c: replace(c, label=c.label.strip())):
            session.add(
                RealisedChargeRow(
                    prae_id=prae_id,
                    action_id=charge.action_id,
                    year=charge.year,
                    account=charge.account,
                    label=charge.label.strip(),
                    amount_cents=charge.amount_cents,
                    source=charge.source,
                )
            )
        session.flush()
        touch(session, prae_id)
        return previous


def _replace(session: Session, rows: Sequence[Any], current: list, wanted: Sequence, norm=lambda x: x) -> list:
    """Replace the lines `rows` (read as `current`) by `wanted`: a line already there as it is
    wanted stays untouched (its version too: a colleague editing another line of the same set
    is no conflict); the others are deleted; return the wanted lines still to add."""
    left = list(wanted)
    for row, line in zip(rows, current, strict=True):
        match = next((i for i, w in enumerate(left) if norm(w) == line), None)
        if match is None:
            session.delete(row)
        else:
            del left[match]
    return left


def _check_line(prae: PraeRow, year: int, account: str, label: str, cents: int, source: str, where: str) -> None:
    _year(prae, year, where)
    if not (account.isascii() and account.isdigit()) or not 2 <= len(account) <= 20:
        raise ValidationError(f"{where} : compte « {account} » invalide (des chiffres, 2 au moins).")
    _line_text(label, where)
    _amount(cents, where)
    if source not in fu.SOURCES:
        raise ValidationError(f"{where} : origine « {source} » inconnue.")


def set_realised_financing(
    store: Store, prae_id: int, year: int, financing: list[fu.RealisedFinancing], *, source: str | None = None
) -> list[fu.RealisedFinancing]:
    """Replace the year's realised financing (of one source when given); return the replaced."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        _year(prae, year, "Financements réalisés")
        for fin in financing:
            funder = session.get(FunderRow, fin.funder_id)
            if funder is None or funder.prae_id != prae_id:
                raise ValidationError(f"Financement réalisé : financeur n° {fin.funder_id} introuvable.")
            where = f"Financement réalisé de « {funder.name} » ({fin.year})"
            if fin.year != year or (source is not None and fin.source != source):
                raise ValidationError(f"{where} : hors de l'ensemble remplacé.")
            _year(prae, fin.year, where)
            _amount(fin.amount_cents, where)
            if fin.action_id is not None:
                _action(session, prae_id, fin.action_id)
            if fin.source not in fu.SOURCES:
                raise ValidationError(f"{where} : origine « {fin.source} » inconnue.")
        f = RealisedFinancingRow
        query = select(f).where(f.prae_id == prae_id, f.year == year)
        if source is not None:
            query = query.where(f.source == source)
        rows = session.scalars(query.order_by(f.id)).all()
        previous = [fu.RealisedFinancing(r.year, r.funder_id, r.amount_cents, r.action_id, r.source) for r in rows]
        for fin in _replace(session, rows, previous, financing):
            session.add(
                RealisedFinancingRow(
                    prae_id=prae_id,
                    year=fin.year,
                    funder_id=fin.funder_id,
                    action_id=fin.action_id,
                    amount_cents=fin.amount_cents,
                    source=fin.source,
                )
            )
        session.flush()
        touch(session, prae_id)
        return previous


_OTHER_KINDS = {"other": fu.OTHER_NATURES, "contribution": fu.CONTRIBUTION_NATURES}


def set_realised_others(
    store: Store,
    prae_id: int,
    year: int,
    kind: str,
    lines: list[fu.OtherRealised] | list[fu.ContributionInKind],
    *,
    source: str | None = None,
) -> list:
    """Replace the year's 68/78 lines (kind "other") or 86/87 contributions (kind
    "contribution"), of one source when given; return the replaced, as the same type."""
    make = fu.OtherRealised if kind == "other" else fu.ContributionInKind
    natures = _OTHER_KINDS[kind]
    noun = "Ligne 68/78" if kind == "other" else "Contribution volontaire"
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        _year(prae, year, noun)
        for line in lines:
            where = f"{noun} « {line.account} {line.label} » ({line.year})"
            if line.year != year or (source is not None and line.source != source):
                raise ValidationError(f"{where} : hors de l'ensemble remplacé.")
            _check_line(prae, line.year, line.account, line.label, line.amount_cents, line.source, where)
            if line.account[:2] not in natures:
                raise ValidationError(f"{where} : le compte doit commencer par {' ou '.join(natures)}.")
        o = RealisedOtherRow
        query = select(o).where(o.prae_id == prae_id, o.year == year, o.kind == kind)
        if source is not None:
            query = query.where(o.source == source)
        rows = session.scalars(query.order_by(o.id)).all()
        previous = [make(r.year, r.account, r.label, r.amount_cents, r.source) for r in rows]
        for line in _replace(session, rows, previous, lines, lambda x: replace(x, label=x.label.strip())):
            session.add(
                RealisedOtherRow(
                    prae_id=prae_id,
                    kind=kind,
                    year=line.year,
                    account=line.account,
                    label=line.label.strip(),
                    amount_cents=line.amount_cents,
                    source=line.source,
                )
            )
        session.flush()
        touch(session, prae_id)
        return previous


def set_explanation(store: Store, prae_id: int, year: int, key: str, text: str) -> str:
    """Write the explanation of a gap (empty text removes it); return the previous text."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        _year(prae, year, "Explication d'écart")
        if not (key.startswith("charge:") or key.startswith("financing:")) or len(key) > 60:
            raise ValidationError(f"Explication d'écart : ligne « {key} » inconnue.")
        _text(text, "Explication de l'écart")
        row = session.get(GapExplanationRow, (prae_id, year, key))
        previous = "" if row is None else row.text
        if not text.strip():
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(GapExplanationRow(prae_id=prae_id, year=year, key=key, text=text))
        else:
            row.text = text
        session.flush()
        touch(session, prae_id)
        return previous


def set_threshold(store: Store, prae_id: int, threshold_pct: Decimal) -> Decimal:
    with store.transaction() as session:
        prae_row(session, prae_id)
        if (
            not isinstance(threshold_pct, Decimal)
            or not threshold_pct.is_finite()
            or not Decimal(0) <= threshold_pct <= Decimal(100)
            or threshold_pct != threshold_pct.quantize(Decimal("0.01"))
        ):
            raise ValidationError("Seuil d'écart : un pourcentage entre 0 et 100 (deux décimales au plus).")
        row = session.get(FollowUpSettingsRow, prae_id)
        previous = fu.DEFAULT_THRESHOLD_PCT if row is None else row.threshold_pct
        if threshold_pct == fu.DEFAULT_THRESHOLD_PCT:  # the default is no row: undo gives back no row
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(FollowUpSettingsRow(prae_id=prae_id, threshold_pct=threshold_pct))
        else:
            row.threshold_pct = threshold_pct
        session.flush()
        touch(session, prae_id)
        return previous


def set_mapping(store: Store, prae_id: int, rules_: tuple[fu.MappingRule, ...]) -> tuple[fu.MappingRule, ...]:
    """Replace the PRAE's mapping (checked whole: see domain.fec_mapping.check_rules)."""
    with store.transaction() as session:
        prae_row(session, prae_id)
        count = len(session.scalars(select(PraeActionRow.id).where(PraeActionRow.prae_id == prae_id)).all())
        check_rules(rules_, count)
        previous = load_mapping(store, prae_id)
        for row in session.scalars(select(MappingRuleRow).where(MappingRuleRow.prae_id == prae_id)):
            session.delete(row)  # row by row: each is checked against what the user saw (concurrency)
        for position, rule in enumerate(rules_):
            session.add(
                MappingRuleRow(
                    prae_id=prae_id,
                    position=position,
                    match=rule.match,
                    pattern=rule.pattern,
                    action=rule.action,
                    share=rule.share,
                    funder=rule.funder,
                )
            )
        session.flush()
        touch(session, prae_id)
        return previous


# -- an action deleted and restored (undo) keeps its follow-up -----------------------------------


@dataclass(frozen=True)
class ActionFollowUp:
    """An action's own follow-up rows (they go with it: ON DELETE CASCADE)."""

    reports: tuple[fu.ActionReport, ...] = ()
    indicators: tuple[fu.IndicatorResult, ...] = ()
    charges: tuple[fu.RealisedCharge, ...] = ()
    financing: tuple[fu.RealisedFinancing, ...] = ()


def action_followup(store: Store, prae_id: int, action_id: int) -> ActionFollowUp:
    """The rows an action's deletion takes with it; refused when some are in a closed year
    (that year's follow-up is read-only)."""
    followup = load_followup(store, prae_id)
    kept = ActionFollowUp(
        tuple(r for r in followup.reports if r.action_id == action_id),
        tuple(r for r in followup.indicators if r.action_id == action_id),
        tuple(c for c in followup.charges if c.action_id == action_id),
        tuple(f for f in followup.financing if f.action_id == action_id),
    )
    years = {item.year for group in (kept.reports, kept.indicators, kept.charges, kept.financing) for item in group}
    with store.transaction() as session:
        c = ClosedYearRow
        closed = sorted(set(session.scalars(select(c.year).where(c.prae_id == prae_id))) & years)
    if closed:
        raise ValidationError(
            f"Cette action a un suivi réalisé en {', '.join(map(str, closed))}, année clôturée : elle ne peut "
            "plus être supprimée. Rien n'a été changé."
        )
    return kept


def restore_action_followup(store: Store, prae_id: int, action_id: int, kept: ActionFollowUp) -> None:
    """Put back the rows `action_followup` read, under the action's (possibly new) id."""
    with store.transaction() as session:
        for report in kept.reports:
            set_action_report(store, prae_id, replace(report, action_id=action_id))
        for result in kept.indicators:
            set_indicator_result(store, prae_id, replace(result, action_id=action_id))
        for c in kept.charges:
            session.add(
                RealisedChargeRow(
                    prae_id=prae_id,
                    action_id=action_id,
                    year=c.year,
                    account=c.account,
                    label=c.label,
                    amount_cents=c.amount_cents,
                    source=c.source,
                )
            )
        for f in kept.financing:
            session.add(
                RealisedFinancingRow(
                    prae_id=prae_id,
                    year=f.year,
                    funder_id=f.funder_id,
                    action_id=action_id,
                    amount_cents=f.amount_cents,
                    source=f.source,
                )
            )
        session.flush()
