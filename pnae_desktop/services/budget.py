"""Budget services: charges, financing, funders, structural costs and their allocation.

Each function is one transaction and validates every value through the domain's own
dataclasses before writing (a batch with one bad cell writes nothing); each returns what
is needed to undo it. Money is int cents from the cell to the store to the totals.
"""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal

from sqlalchemy import select

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import rules

# The cell value types live in the domain (the workbook reader proposes them too); they stay
# importable from here, where the pages and the tests have always found them.
from pnae_desktop.domain.budget_cells import (  # noqa: F401 (re-exported)
    ChargeCell,
    ChargeValue,
    FinancingCell,
    StructuralCell,
    parse_charge_cell,
)
from pnae_desktop.domain.money import check_percentages_sum
from pnae_desktop.errors import ValidationError
from pnae_desktop.services.rows import prae_row, touch
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import (
    ActionObjectiveRow,
    AllocationKeyRow,
    AllocationShareRow,
    ChargeLineRow,
    FinancingLineRow,
    FunderRow,
    PraeActionRow,
    PraeRow,
    StructuralCostRow,
)

# -- reading -------------------------------------------------------------------------------


def _funders(prae: PraeRow) -> tuple[dom.Funder, ...]:
    return tuple(dom.Funder(f.id, f.name, f.kind) for f in prae.funders)


def _edition(key: str, catalogue: Catalogue | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(objective codes, axes) of the PRAE's catalogue edition: `catalogue` when given, else the
    shipped edition of that key; the shipped defaults when no such edition is available."""
    if catalogue is None or catalogue.key != key:
        from pnae_desktop.catalogue.loader import shipped_catalogues  # loaded once, on first use

        catalogue = next((c for c in shipped_catalogues().editions if c.key == key), None)
    if catalogue is None:
        return dom.OBJECTIVE_CODES, dom.AXES
    return dom.objective_codes_of(catalogue), dom.axes_of(catalogue)


def load_budget(store: Store, prae_id: int, catalogue: Catalogue | None = None) -> dom.Budget:
    """The PRAE's budget as the domain model (validated on the way). The CPO objectives and axes
    come from the PRAE's catalogue edition (`catalogue` if it is that edition)."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        objective_codes, axes = _edition(prae.catalogue_edition, catalogue)
        action_ids = [a.id for a in prae.actions]
        # Plain rows, not ORM objects: a national-scale PRAE has thousands of lines.
        c = ChargeLineRow
        charges = session.execute(
            select(c.id, c.action_id, c.year, c.account, c.label, c.amount_cents, c.etp, c.annual_cost_cents).where(
                c.action_id.in_(action_ids)
            )
        ).all()
        f = FinancingLineRow
        financing = session.execute(
            select(f.id, f.action_id, f.year, f.funder_id, f.amount_cents, f.status).where(f.action_id.in_(action_ids))
        ).all()
        objectives = session.scalars(
            select(ActionObjectiveRow).where(ActionObjectiveRow.action_id.in_(action_ids))
        ).all()
        by_action: dict[int, list[ActionObjectiveRow]] = {}
        for o in objectives:
            by_action.setdefault(o.action_id, []).append(o)
        actions = []
        for a in prae.actions:
            rows = sorted(by_action.get(a.id, []), key=lambda o: rules.objective_order(o.objective_code))
            codes = tuple(o.objective_code for o in rows)
            shares: dict[str, Decimal] | None = (
                {o.objective_code: o.share for o in rows if o.share is not None}
                if rows and all(o.share is not None for o in rows)
                else None
            )
            actions.append(dom.ActionBudgetInfo(a.id, a.title, codes, shares, known_codes=None))  # Budget checks
        return dom.Budget(
            years=tuple(range(prae.start_year, prae.end_year + 1)),
            actions=tuple(actions),
            charges=tuple(dom.ChargeLine(*row) for row in charges),
            funders=_funders(prae),
            financing=tuple(dom.FinancingLine(*row) for row in financing),
            structural_costs=tuple(dom.StructuralCost(s.year, s.label, s.amount_cents) for s in prae.structural_costs),
            allocation_keys=tuple(
                dom.AllocationKey(
                    k.year,
                    k.method,
                    {s.action_id: s.share for s in k.shares} if k.method == "manual" or k.shares else None,
                )
                for k in prae.allocation_keys
            ),
            objective_codes=objective_codes,
            axes=axes,
        )


def totals(
    store: Store, prae_id: int, catalogue: Catalogue | None = None
) -> tuple[dom.Budget, dom.BudgetTotals, list[dom.Problem]]:
    budget = load_budget(store, prae_id, catalogue)
    computed = dom.compute(budget)
    return budget, computed, dom.validate(budget, computed)


# -- writing: charges ------------------------------------------------------------------------


def _action(session, action_id: int) -> PraeActionRow:
    row = session.get(PraeActionRow, action_id)
    if row is None:
        raise ValidationError(f"Action n° {action_id} introuvable.")
    return row


def _check_label(label: str, where: str, limit: int = 300, field: str = "Libellé de la ligne") -> None:
    rules.check_text(label, field)  # named by its field: `where` would quote the bad character
    if len(label) > limit:
        raise ValidationError(f"{where} : libellé trop long ({limit} caractères au plus).")


def _check_year(prae: PraeRow, year: int, where: str) -> None:
    if not prae.start_year <= year <= prae.end_year:
        raise ValidationError(
            f"{where} : l'année {year} est hors de la période du PRAE ({prae.start_year}–{prae.end_year})."
        )


def set_charge_cells(store: Store, cells: list[ChargeCell]) -> list[ChargeCell]:
    """Write charge cells all at once (any bad cell → nothing written); return the previous ones."""
    with store.transaction() as session:
        previous: list[ChargeCell] = []
        for cell in cells:
            action = _action(session, cell.action_id)
            prae = prae_row(session, action.prae_id)
            label = cell.label.strip()
            where = f"Cellule « {cell.year} / {cell.account} / {label or '—'} »"
            _check_year(prae, cell.year, where)
            if not label:
                raise ValidationError(f"{where} : le libellé de la ligne ne peut pas être vide.")
            _check_label(label, where)
            if cell.value is not None:  # the domain line validates account, amount, ETP
                v = cell.value
                dom.ChargeLine(
                    0, cell.action_id, cell.year, cell.account, label, v.amount_cents, v.etp, v.annual_cost_cents
                )
            row = session.scalars(
                select(ChargeLineRow).where(
                    ChargeLineRow.action_id == cell.action_id,
                    ChargeLineRow.year == cell.year,
                    ChargeLineRow.account == cell.account,
                    ChargeLineRow.label == label,
                )
            ).one_or_none()
            previous.append(
                ChargeCell(
                    cell.action_id,
                    cell.account,
                    label,
                    cell.year,
                    None if row is None else ChargeValue(row.amount_cents, row.etp, row.annual_cost_cents),
                )
            )
            if cell.value is None:
                if row is not None:
                    session.delete(row)
            else:
                if row is None:
                    row = ChargeLineRow(action_id=cell.action_id, year=cell.year, account=cell.account, label=label)
                    session.add(row)
                row.amount_cents, row.etp, row.annual_cost_cents = (
                    cell.value.amount_cents,
                    cell.value.etp,
                    cell.value.annual_cost_cents,
                )
            session.flush()
            touch(session, prae.id)
        return list(reversed(previous))  # undo replays in reverse order


def charge_row_cells(store: Store, action_id: int, account: str, label: str) -> list[ChargeCell]:
    """Every year's cell of one (account, label) row of an action."""
    with store.transaction() as session:
        action = _action(session, action_id)
        prae = prae_row(session, action.prae_id)
        rows = {r.year: r for r in action.charges if r.account == account and r.label == label}
        return [
            ChargeCell(
                action_id,
                account,
                label,
                y,
                None if y not in rows else ChargeValue(rows[y].amount_cents, rows[y].etp, rows[y].annual_cost_cents),
            )
            for y in range(prae.start_year, prae.end_year + 1)
        ]


def rename_charge_row(store: Store, action_id: int, account: str, old: str, new: str) -> tuple[str, str]:
    new = new.strip()
    if not new:
        raise ValidationError("Le libellé de la ligne ne peut pas être vide.")
    _check_label(new, f"Ligne « {new[:40]} »")
    with store.transaction() as session:
        action = _action(session, action_id)
        rows = [r for r in action.charges if r.account == account and r.label == old]
        if any(r.account == account and r.label == new for r in action.charges) and new != old:
            raise ValidationError(f"Une ligne « {new} » existe déjà au compte {account}.")
        for r in rows:
            r.label = new
        touch(session, action.prae_id)
        return new, old


# -- writing: financing and funders --------------------------------------------------------


def set_financing_cells(store: Store, cells: list[FinancingCell]) -> list[FinancingCell]:
    with store.transaction() as session:
        previous: list[FinancingCell] = []
        for cell in cells:
            action = _action(session, cell.action_id)
            prae = prae_row(session, action.prae_id)
            funder = session.get(FunderRow, cell.funder_id)
            if funder is None or funder.prae_id != prae.id:
                raise ValidationError("Financeur inconnu pour ce PRAE.")
            where = f"Cellule « {cell.year} / {funder.name} »"
            _check_year(prae, cell.year, where)
            if cell.amount_cents is not None:
                dom.FinancingLine(0, cell.action_id, cell.year, cell.funder_id, cell.amount_cents, cell.status)
            row = session.scalars(
                select(FinancingLineRow).where(
                    FinancingLineRow.action_id == cell.action_id,
                    FinancingLineRow.year == cell.year,
                    FinancingLineRow.funder_id == cell.funder_id,
                )
            ).one_or_none()
            previous.append(
                FinancingCell(
                    cell.action_id,
                    cell.funder_id,
                    cell.year,
                    None if row is None else row.amount_cents,
                    row.status if row is not None else cell.status,
                )
            )
            if cell.amount_cents is None:
                if row is not None:
                    session.delete(row)
            else:
                if row is None:
                    row = FinancingLineRow(action_id=cell.action_id, year=cell.year, funder_id=cell.funder_id)
                    session.add(row)
                row.amount_cents, row.status = cell.amount_cents, cell.status
            session.flush()
            touch(session, prae.id)
        return list(reversed(previous))


def add_default_funders(session, prae: PraeRow, names: dict[str, str] | None = None) -> None:
    """The usual funders; `names`: kind -> the region's name for it ("État (Dieccte La Réunion)")."""
    names = names or {}
    prae.funders = [
        FunderRow(position=i, name=names.get(f.kind, f.name), kind=f.kind) for i, f in enumerate(dom.default_funders())
    ]


def save_funder(store: Store, prae_id: int, funder_id: int | None, name: str, kind: str) -> tuple[int, tuple | None]:
    """Create or rename/retype a funder; return (id, previous (name, kind) or None)."""
    name = name.strip()
    if not name:
        raise ValidationError("Le nom du financeur ne peut pas être vide.")
    _check_label(name, f"Financeur « {name[:40]} »", 200, "Nom du financeur")
    dom.Funder(0, name, kind)  # validates the kind
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        row = session.get(FunderRow, funder_id) if funder_id else None
        previous = None
        if row is not None and row.prae_id != prae.id:
            raise ValidationError("Financeur inconnu pour ce PRAE.")
        if row is None:
            row = FunderRow(id=funder_id, prae_id=prae.id, position=len(prae.funders), name=name, kind=kind)
            session.add(row)
        else:
            previous = (row.name, row.kind)
            row.name, row.kind = name, kind
        touch(session, prae.id)
        session.flush()
        return row.id, previous


def delete_funder(store: Store, funder_id: int) -> tuple[dom.Funder, int, list[FinancingCell], int]:
    """Remove a funder and its lines; return what `restore_funder` needs (incl. its place)."""
    with store.transaction() as session:
        row = session.get(FunderRow, funder_id)
        if row is None:
            raise ValidationError("Financeur introuvable.")
        lines = session.scalars(select(FinancingLineRow).where(FinancingLineRow.funder_id == funder_id)).all()
        snapshot = [FinancingCell(f.action_id, f.funder_id, f.year, f.amount_cents, f.status) for f in lines]
        prae = prae_row(session, row.prae_id)
        position = prae.funders.index(row)
        prae.funders.remove(row)
        for i, funder in enumerate(prae.funders):
            funder.position = i
        touch(session, prae.id)
        return dom.Funder(row.id, row.name, row.kind), prae.id, snapshot, position


def restore_funder(store: Store, snapshot) -> int:
    funder, prae_id, lines, position = snapshot
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        free = session.get(FunderRow, funder.id) is None
        row = FunderRow(id=funder.id if free else None, prae_id=prae_id, position=0, name=funder.name, kind=funder.kind)
        prae.funders.insert(min(position, len(prae.funders)), row)
        for i, f in enumerate(prae.funders):
            f.position = i
        session.flush()
        funder_id = row.id
    set_financing_cells(store, [FinancingCell(c.action_id, funder_id, c.year, c.amount_cents, c.status) for c in lines])
    return funder_id


# -- writing: structural costs, allocation, objective shares -------------------------------


def set_structural_cells(store: Store, prae_id: int, cells: list[StructuralCell]) -> list[StructuralCell]:
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        previous = []
        for cell in cells:
            label = cell.label.strip()
            where = f"Frais de structure « {cell.year} / {label or '—'} »"
            _check_year(prae, cell.year, where)
            if not label:
                raise ValidationError(f"{where} : le libellé ne peut pas être vide.")
            _check_label(label, where)
            if cell.amount_cents is not None:
                dom.StructuralCost(cell.year, label, cell.amount_cents)
            row = next((s for s in prae.structural_costs if s.year == cell.year and s.label == label), None)
            previous.append(StructuralCell(label, cell.year, None if row is None else row.amount_cents))
            if cell.amount_cents is None:
                if row is not None:
                    prae.structural_costs.remove(row)
            elif row is None:
                prae.structural_costs.append(
                    StructuralCostRow(year=cell.year, label=label, amount_cents=cell.amount_cents)
                )
            else:
                row.amount_cents = cell.amount_cents
            session.flush()
        touch(session, prae_id)
        return list(reversed(previous))


def set_allocation_key(
    store: Store, prae_id: int, year: int, method: str, shares: dict[int, Decimal] | None = None
) -> tuple:
    """Set a year's key ("direct", "etp" or "manual" with percentages summing to 100)."""
    manual = dict[Hashable, Decimal](shares.items()) if shares is not None else None
    key = dom.AllocationKey(year, method, manual)  # validates method and each percentage
    if method == "manual":
        check_percentages_sum(list((shares or {}).values()), key.place)
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        _check_year(prae, year, key.place)
        foreign = set(shares or {}) - {a.id for a in prae.actions}
        if foreign:
            raise ValidationError(f"{key.place} : action(s) inconnue(s) dans ce PRAE.")
        row = next((k for k in prae.allocation_keys if k.year == year), None)
        previous = (
            (year, "direct", None)
            if row is None
            else (year, row.method, {s.action_id: s.share for s in row.shares} or None)
        )
        if row is None:
            row = AllocationKeyRow(year=year)
            prae.allocation_keys.append(row)
        row.method = method
        row.shares = [
            AllocationShareRow(prae_id=prae_id, year=year, action_id=a, share=v) for a, v in (shares or {}).items()
        ]
        touch(session, prae_id)
        return previous


def allocation_key(store: Store, prae_id: int, year: int) -> tuple | None:
    """The year's stored key as (year, method, shares), or None when the year has none."""
    with store.transaction() as session:
        row = next((k for k in prae_row(session, prae_id).allocation_keys if k.year == year), None)
        return None if row is None else (year, row.method, {s.action_id: s.share for s in row.shares} or None)


def remove_allocation_key(store: Store, prae_id: int, year: int) -> tuple | None:
    """Drop the year's key (the default, pro rata of direct costs, then applies); return it."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        row = next((k for k in prae.allocation_keys if k.year == year), None)
        if row is None:
            return None
        previous = (year, row.method, {s.action_id: s.share for s in row.shares} or None)
        prae.allocation_keys.remove(row)
        touch(session, prae_id)
        return previous


def set_objective_shares(store: Store, action_id: int, shares: dict[str, Decimal] | None) -> dict | None:
    """How an action's cost splits across the CPO objectives it serves (None = equal)."""
    with store.transaction() as session:
        action = _action(session, action_id)
        codes = {o.objective_code for o in action.objectives}
        if shares is not None:
            unknown = set(shares) - codes
            if unknown:
                raise ValidationError(f"L'action ne sert pas l'objectif {', '.join(sorted(unknown))}.")
            ordered = tuple(sorted(codes, key=rules.objective_order))
            # each share: 0–100, 2 decimals; the codes were checked against the edition when set
            dom.ActionBudgetInfo(action.id, action.title, ordered, shares, known_codes=None)
            check_percentages_sum(list(shares.values()), f"Action « {action.title} », répartition entre objectifs CPO")
        stored = {o.objective_code: o.share for o in action.objectives}
        previous = None if any(v is None for v in stored.values()) else stored
        for o in action.objectives:
            o.share = None if shares is None else shares.get(o.objective_code, Decimal(0))
        touch(session, action.prae_id)
        return previous
