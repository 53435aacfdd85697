"""Comparing a signed version's frozen snapshot with the working version, and article 4's
rule on moves between axes and natures of charges. Plain data in (the snapshots as the JSON
documents `show --format json` prints), plain data out: no store, no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pnae_desktop.domain.money import cents_from_decimal_str, format_amount

KIND_SIGNED = "signee"
KIND_PARTIAL = "signee_partiellement"
KIND_LABELS = {KIND_SIGNED: "signée", KIND_PARTIAL: "signée partiellement"}


def kind_label(kind: str, avenant_number: int | None = None) -> str:
    """« signée », or for a signed avenant « avenant n° 2 signé partiellement »."""
    label = KIND_LABELS.get(kind, kind)
    if avenant_number is None:
        return label
    return f"avenant n° {avenant_number} " + label.replace("signée", "signé")


def next_avenant_number(versions: Sequence[tuple[str, int | None]]) -> int:
    """The number of the next avenant, from the versions' (fingerprint, avenant number): one more
    than the last avenant recorded, or than the changes of content a re-signed convention
    carries (each convention fingerprint after the first is an avenant's effect)."""
    recorded = [n for _, n in versions if n is not None]
    conventions = len({fp for fp, n in versions if n is None})
    return max([*recorded, conventions - 1, 0]) + 1


# Article 4 of the model: « … dans la limite de 15 % du coût annuel … »
_LIMIT = re.compile(r"dans la limite de\s*(\d+(?:[,.]\d+)?)\s*%\s*du coût annuel")
DEFAULT_LIMIT = Decimal(15)


@dataclass(frozen=True)
class Change:
    kind: str  # "champ" | "montant" | "article"
    place: str  # French: « Action 3 – Pilote », « Coût complet – axe 1 – 2019 », « Article 5 – … »
    before: str
    after: str
    key: str = ""  # the article's key (articles), the year (amounts), else ""


@dataclass(frozen=True)
class VersionDiff:
    changes: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not self.changes

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)

    @property
    def article_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.of_kind("article"))

    @property
    def amount_years(self) -> tuple[int, ...]:
        return tuple(sorted({int(c.key) for c in self.of_kind("montant") if c.key.isdigit()}))


def _cents(text: str | None) -> int:
    return cents_from_decimal_str(text) if text else 0


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(vide)"
    return str(value)


_ACTION_FIELDS = {
    "title": "Intitulé",
    "pilot": "Pilote",
    "co_pilots": "Copilotes",
    "partners": "Partenaires",
    "calendar_note": "Calendrier",
    "regional_priority": "Priorité régionale",
}


def _action_label(a: Mapping[str, Any]) -> str:
    code = a.get("pnae_action") or "régionale"
    position = a.get("position")
    number = position + 1 if isinstance(position, int) else "?"
    return f"Action {number} ({code}) « {a.get('title', '')} »"


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    out: list[Change] = []
    if old.get("title") != new.get("title"):
        out.append(Change("champ", "Intitulé du PRAE", _show(old.get("title")), _show(new.get("title"))))
    pairs, added, removed = _pair_actions(old.get("actions", []), new.get("actions", []))
    for a in added:
        out.append(Change("champ", _action_label(a), "(absente)", "action ajoutée"))
    for b, a in pairs:
        for name, label in _ACTION_FIELDS.items():
            if b.get(name) != a.get(name):
                out.append(Change("champ", f"{_action_label(a)} – {label}", _show(b.get(name)), _show(a.get(name))))
        for name in sorted(set(b.get("fields", {})) | set(a.get("fields", {}))):
            was, now = b.get("fields", {}).get(name), a.get("fields", {}).get(name)
            if was != now:
                out.append(Change("champ", f"{_action_label(a)} – {name}", _show(was), _show(now)))
        for name, label in (("indicators", "Indicateurs"), ("objectives", "Objectifs"), ("calendar", "Étapes")):
            if b.get(name) != a.get(name):
                out.append(Change("champ", f"{_action_label(a)} – {label}", "version signée", "modifiés"))
    for b in removed:
        out.append(Change("champ", _action_label(b), "action présente", "action supprimée"))
    return out


Action = Mapping[str, Any]


def _pair_actions(
    old: list[Action], new: list[Action]
) -> tuple[list[tuple[Action, Action]], list[Action], list[Action]]:
    """(signed, working) pairs of the same action, then the added and the removed ones. The
    same id first; then, for rows made again (a PRAE replaced from a package), the same PNAE
    action, else the same title."""
    before = {a["id"]: a for a in old}
    pairs = [(before.pop(a["id"]), a) for a in new if a["id"] in before]
    paired = {id(a) for _, a in pairs}
    added: list[Action] = []
    for a in (a for a in new if id(a) not in paired):
        match = next(
            (
                b
                for b in before.values()
                if (a.get("pnae_action") and b.get("pnae_action") == a.get("pnae_action"))
                or (not a.get("pnae_action") and not b.get("pnae_action") and b.get("title") == a.get("title"))
            ),
            None,
        )
        if match is None:
            added.append(a)
        else:
            pairs.append((before.pop(match["id"]), a))
    return pairs, added, list(before.values())


def _by_key(rows: Iterable[Mapping[str, Any]], *names: str) -> dict[tuple[Any, ...], int]:
    return {tuple(r.get(n) for n in names): _cents(r.get("amount")) for r in rows}


def axis_label(axis: Any) -> str:
    return f"axe {axis}" if axis is not None else "hors axe"


def _funder_names(budget: Mapping[str, Any]) -> dict[Any, str]:
    return {f["id"]: f["name"] for f in budget.get("funders", [])}


def _named_funders(budget: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Financing by funder and year keyed by the funder's name (ids change when rows are made
    again, a name does not)."""
    names = _funder_names(budget)
    rows = budget.get("totals", {}).get("financing_by_funder_year", [])
    return [{**r, "funder": names.get(r.get("funder_id"), str(r.get("funder_id")))} for r in rows]


def _amount_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    out: list[Change] = []
    ot, nt = old.get("totals", {}), new.get("totals", {})
    tables: tuple[tuple[list[Any], list[Any], tuple[str, str], Callable[[tuple[Any, ...]], str]], ...] = (
        (
            ot.get("full_by_axis_year", []),
            nt.get("full_by_axis_year", []),
            ("axis", "year"),
            lambda k: f"Coût complet – {axis_label(k[0])} – {k[1]}",
        ),
        (
            ot.get("direct_by_year_account", []),
            nt.get("direct_by_year_account", []),
            ("year", "account"),
            lambda k: f"Charges directes – compte {k[1]} – {k[0]}",
        ),
        (_named_funders(old), _named_funders(new), ("funder", "year"), lambda k: f"Financement – {k[0]} – {k[1]}"),
    )
    for old_rows, new_rows, keys, label in tables:
        before, after = _by_key(old_rows, *keys), _by_key(new_rows, *keys)
        for key in sorted(set(before) | set(after), key=lambda k: tuple(str(p) for p in k)):
            was, now = before.get(key, 0), after.get(key, 0)
            if was != now:
                year = key[keys.index("year")]
                out.append(Change("montant", label(key), format_amount(was), format_amount(now), str(year)))
    return out


def _article_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    out: list[Change] = []
    before = {a["key"]: a for a in old.get("articles", [])}
    for a in new.get("articles", []):
        b = before.pop(a["key"], None)
        if b is None:
            out.append(Change("article", a["heading"], "(absent)", a["text"], a["key"]))
        elif b["text"] != a["text"] or b["title"] != a["title"]:
            out.append(Change("article", a["heading"], b["text"], a["text"], a["key"]))
    for b in before.values():
        out.append(Change("article", b["heading"], b["text"], "(supprimé)", b["key"]))
    return out


def diff_snapshots(signed: Mapping[str, Any], working: Mapping[str, Any]) -> VersionDiff:
    """Fields, amounts and articles that differ from the signed version to the working one."""
    changes = _field_changes(signed.get("prae", {}), working.get("prae", {}))
    changes += _amount_changes(signed.get("budget", {}), working.get("budget", {}))
    changes += _article_changes(signed.get("convention", {}), working.get("convention", {}))
    return VersionDiff(tuple(changes))


# ------------------------------------------------------------------------------------------
# Article 4: moves between axes and natures of charges
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearMoves:
    year: int
    annual_cost: int  # cents, the signed version's full cost of the year
    axis_increases: int  # cents: sum of the increases by axis
    nature_increases: int  # cents: sum of the increases by nature of charges (account)
    axis_percent: Decimal
    nature_percent: Decimal
    over: bool


@dataclass(frozen=True)
class Article4:
    limit: Decimal  # percent
    by_axis: bool
    by_nature: bool
    years: tuple[YearMoves, ...]

    @property
    def avenant_required(self) -> bool:
        return any(y.over for y in self.years)

    def summary(self) -> str:
        scope = " et ".join(
            s for s, on in (("entre axes", self.by_axis), ("entre natures de charges", self.by_nature)) if on
        )
        limit = format(self.limit.normalize(), "f").replace(".", ",")
        over = [y for y in self.years if y.over]
        if over:
            detail = " ; ".join(f"{y.year} : {_pct(max(y.axis_percent, y.nature_percent))}" for y in over)
            return (
                f"Les mouvements {scope} dépassent la limite de {limit} % du coût annuel fixée par la "
                f"convention ({detail}) : un avenant est nécessaire."
            )
        return (
            f"Les mouvements {scope} restent dans la limite de {limit} % du coût annuel fixée par la "
            "convention : aucun avenant n'est exigé (un avenant peut tout de même être préparé)."
        )


def _pct(value: Decimal) -> str:
    return format(value, "f").replace(".", ",") + " %"


def article4_terms(convention: Mapping[str, Any]) -> tuple[Decimal, bool, bool]:
    """(limit in percent, moves between axes count, moves between natures count), read from
    the signed convention's own text (the article that states the limit)."""
    for a in convention.get("articles", []):
        found = _LIMIT.search(a.get("text", ""))
        if found:
            text = a["text"]
            return (
                Decimal(found.group(1).replace(",", ".")),
                "entre les axes" in text,
                "natures de charges" in text,
            )
    return DEFAULT_LIMIT, True, True


def _increases(before: Mapping[Any, int], after: Mapping[Any, int]) -> int:
    return sum(max(0, after.get(k, 0) - before.get(k, 0)) for k in set(before) | set(after))


def article4(signed: Mapping[str, Any], working: Mapping[str, Any]) -> Article4:
    limit, by_axis, by_nature = article4_terms(signed.get("convention", {}))
    ot, nt = signed.get("budget", {}).get("totals", {}), working.get("budget", {}).get("totals", {})
    old_axis, new_axis = (
        _by_key(ot.get("full_by_axis_year", []), "year", "axis"),
        _by_key(nt.get("full_by_axis_year", []), "year", "axis"),
    )
    old_nat, new_nat = (
        _by_key(ot.get("direct_by_year_account", []), "year", "account"),
        _by_key(nt.get("direct_by_year_account", []), "year", "account"),
    )
    years = sorted({k[0] for k in (*old_axis, *new_axis, *old_nat, *new_nat)})
    out: list[YearMoves] = []
    for year in years:

        def of(m: Mapping[tuple[Any, ...], int]) -> dict[Any, int]:
            return {k[1]: v for k, v in m.items() if k[0] == year}

        cost = sum(of(old_axis).values())
        axis_up = _increases(of(old_axis), of(new_axis)) if by_axis else 0
        nature_up = _increases(of(old_nat), of(new_nat)) if by_nature else 0

        def percent(cents: int) -> Decimal:
            if not cents:
                return Decimal(0)
            if cost <= 0:
                return Decimal(100)
            return (Decimal(cents) * 100 / Decimal(cost)).quantize(Decimal("0.01"), ROUND_HALF_UP)

        ap, np_ = percent(axis_up), percent(nature_up)
        over = Decimal(max(axis_up, nature_up)) * 100 > limit * max(cost, 0)  # exact, before rounding
        out.append(YearMoves(year, cost, axis_up, nature_up, ap, np_, over))
    return Article4(limit, by_axis, by_nature, tuple(out))
