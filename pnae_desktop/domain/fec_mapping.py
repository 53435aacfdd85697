"""The mapping of accounting entries to actions and funders, and its CSV form.

CSV: a header line `match,pattern,action,share,funder` (`funder` optional; `;` also accepted
as separator, a decimal comma in `share` too), then one rule a line:

- `match` = `analytic` (the entry's analytic code equals `pattern`), `label` (the entry's
  label contains `pattern`, case ignored) or `account` (the account number starts with
  `pattern`);
- `action` = the action's number as printed (« Fiche 3 » → 3);
- `share` = the percent of the entry that goes to that action; the rules of one
  (match, pattern) add up to 100; the cents are shared by largest remainder;
- `funder` = for products (70–77): the funder's name as in the budget; the rule then sends
  the entry to that funder's realised financing (`action` may be empty, or name the action
  the money was for). A rule with a funder serves products only, one without serves charges.

For one entry, an analytic rule beats a label rule, which beats the longest account prefix;
between label rules, the longest pattern wins (then the first in the table).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pnae_desktop.domain.followup import MAPPING_MATCHES, MappingRule
from pnae_desktop.domain.money import split_cents
from pnae_desktop.errors import ValidationError

HEADER = ("match", "pattern", "action", "share", "funder")
_HUNDRED = Decimal(100)


def _kind(rule: MappingRule) -> str:
    return "funder" if rule.funder else "action"


def check_rules(rules: tuple[MappingRule, ...] | list[MappingRule], action_count: int) -> None:
    """Refuse a mapping with a bad rule or a pattern whose shares do not add up to 100."""
    groups: dict[tuple[str, str, str], Decimal] = {}
    seen: set[tuple[str, str, int | None, str]] = set()
    for n, rule in enumerate(rules, start=1):
        where = f"Règle n° {n} de la table de correspondance"
        if rule.match not in MAPPING_MATCHES:
            raise ValidationError(f"{where} : type « {rule.match} » inconnu (analytic, label ou account).")
        if not rule.pattern.strip() or len(rule.pattern) > 200:
            raise ValidationError(f"{where} : motif vide ou trop long (200 caractères au plus).")
        if rule.match == "account" and not (rule.pattern.isascii() and rule.pattern.isdigit()):
            raise ValidationError(f"{where} : un motif de compte ne contient que des chiffres (« {rule.pattern} »).")
        if rule.action is not None and not 1 <= rule.action <= action_count:
            raise ValidationError(f"{where} : action n° {rule.action} inconnue (le PRAE en compte {action_count}).")
        if rule.action is None and not rule.funder:
            raise ValidationError(f"{where} : ni action ni financeur.")
        if len(rule.funder) > 200:
            raise ValidationError(f"{where} : nom de financeur trop long.")
        share = rule.share
        if not isinstance(share, Decimal) or not share.is_finite() or not Decimal(0) < share <= _HUNDRED:
            raise ValidationError(f"{where} : part « {share} » invalide (un pourcentage entre 0 et 100).")
        if share != share.quantize(Decimal("0.01")):
            raise ValidationError(f"{where} : part « {share} » : deux décimales au plus.")
        ident = (rule.match, rule.pattern, rule.action, rule.funder)
        if ident in seen:
            raise ValidationError(f"{where} : règle en double.")
        seen.add(ident)
        group = (rule.match, rule.pattern, _kind(rule))
        groups[group] = groups.get(group, Decimal(0)) + share
    for (match, pattern, _), total in groups.items():
        if total != _HUNDRED:
            raise ValidationError(
                f"Table de correspondance : les parts du motif « {pattern} » ({match}) totalisent {total} % au lieu de 100 %."
            )


def parse_mapping_csv(text: str, action_count: int) -> tuple[MappingRule, ...]:
    """Read the CSV form; a bad line is refused with its number."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise ValidationError("Table de correspondance vide : il faut la ligne d'en-tête match,pattern,action,share.")
    names = [h.strip().lower() for h in header]
    if names[:4] != list(HEADER[:4]) or names[4:] not in ([], ["funder"]):
        raise ValidationError(
            f"Table de correspondance, ligne 1 : en-tête « {delimiter.join(header)} » ; "
            "attendu « match,pattern,action,share » (et éventuellement « funder »)."
        )
    rules = []
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"Table de correspondance, ligne {line_no}"
        if len(row) > len(names) or len(row) < 4:
            raise ValidationError(f"{where} : {len(row)} colonnes au lieu de {len(names)}.")
        match, pattern, action_text, share_text = (c.strip() for c in row[:4])
        funder = row[4].strip() if len(row) > 4 else ""
        action: int | None = None
        if action_text:
            if not (action_text.isascii() and action_text.isdigit()) or len(action_text) > 5:
                raise ValidationError(f"{where} : numéro d'action « {action_text} » invalide.")
            action = int(action_text)
        try:
            cleaned = share_text.replace(",", ".").replace("%", "").strip() or "100"
            if not cleaned.isascii() or len(cleaned) > 10 or "e" in cleaned.lower():
                raise InvalidOperation
            share = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"{where} : part « {share_text} » invalide.") from None
        rule = MappingRule(match.lower(), pattern, action, share, funder)
        try:
            check_rules([rule], action_count)
        except ValidationError as error:
            message = str(error).split(" : ", 1)[-1]
            if "totalisent" not in message:
                raise ValidationError(f"{where} : {message}") from None
        rules.append(rule)
    check_rules(rules, action_count)
    return tuple(rules)


def mapping_csv(rules: tuple[MappingRule, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in rules:
        writer.writerow([r.match, r.pattern, "" if r.action is None else r.action, f"{r.share}", r.funder])
    return out.getvalue()


@dataclass(frozen=True)
class Target:
    """Where a share of an entry goes: an action number (charges) or a funder name (products)."""

    action: int | None
    funder: str
    cents: int


class Resolver:
    """Finds, for an entry, the rules that apply; built once per import (fast lookups)."""

    def __init__(self, rules: tuple[MappingRule, ...]):
        self._groups: dict[tuple[str, str, str], list[MappingRule]] = {}
        for rule in rules:
            self._groups.setdefault((rule.match, rule.pattern, _kind(rule)), []).append(rule)
        self._labels: dict[str, list[tuple[str, str]]] = {"action": [], "funder": []}
        self._accounts: dict[str, dict[str, str]] = {"action": {}, "funder": {}}
        for match, pattern, kind in self._groups:
            if match == "label":
                self._labels[kind].append((pattern.casefold(), pattern))
            elif match == "account":
                self._accounts[kind][pattern] = pattern
        for kind in self._labels:  # longest first; stable: table order on ties
            self._labels[kind].sort(key=lambda p: -len(p[0]))
        self._cache: dict[tuple[str, str], tuple[MappingRule, ...] | None] = {}

    def rules_for(self, kind: str, analytic: str, label: str, account: str) -> tuple[MappingRule, ...] | None:
        if analytic:
            group = self._groups.get(("analytic", analytic, kind))
            if group:
                return tuple(group)
        if self._labels[kind]:
            folded = label.casefold()
            for needle, pattern in self._labels[kind]:
                if needle in folded:
                    return tuple(self._groups[("label", pattern, kind)])
        key = (kind, account)
        if key not in self._cache:
            found = None
            prefixes = self._accounts[kind]
            for size in range(len(account), 0, -1):
                prefix = prefixes.get(account[:size])
                if prefix is not None:
                    found = tuple(self._groups[("account", prefix, kind)])
                    break
            self._cache[key] = found
        return self._cache[key]

    @staticmethod
    def split(rules: tuple[MappingRule, ...], cents: int) -> list[Target]:
        if len(rules) == 1:
            return [Target(rules[0].action, rules[0].funder, cents)]
        parts = split_cents(cents, [r.share for r in rules])
        return [Target(r.action, r.funder, p) for r, p in zip(rules, parts)]
