"""Placeholders inside convention texts: the names the engine knows and how they are parsed."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

VALUES: dict[str, str] = {
    "region.name": "nom de la région",
    "region.tribunal": "tribunal administratif compétent",
    "region.of": "nom de la région précédé de « de » (« des Hauts-de-France », « de La Réunion »)",
    "state.service": "service régional de l'État (Direccte ou Dieccte)",
    "state.prefect.name": "nom du préfet de région",
    "state.prefect.function": "qualité du préfet de région",
    "state.signatory.name": "nom du signataire pour l'État",
    "state.signatory.function": "fonction du signataire pour l'État",
    "state.programme": "programme budgétaire de l'État (imputation)",
    "state.bop": "budget opérationnel de programme (imputation)",
    "state.action": "action du programme budgétaire (imputation)",
    "state.ordonnateur": "ordonnateur de la dépense de l'État",
    "state.accountant": "comptable assignataire de la dépense de l'État",
    "council.name": "dénomination de la Région",
    "council.the_name": "dénomination de la Région avec son article (« la Région … », « le Département … »)",
    "council.short": "désignation abrégée de la Région (« la Région », « la Collectivité », « le Département »)",
    "council.represented": "« représentée » ou « représenté », selon la collectivité",
    "council.designated": "« désignée » ou « désigné », selon la collectivité",
    "council.signatory.name": "nom du signataire pour la Région",
    "council.signatory.function": "fonction du signataire pour la Région",
    "council.deliberation": "délibération de la Région autorisant la signature",
    "arml.name": "dénomination de l'association",
    "arml.legal_form": "forme juridique de l'association",
    "arml.address": "adresse du siège de l'association",
    "arml.siret": "numéro SIRET de l'association",
    "arml.project": "projet de l'association",
    "arml.signatory.name": "nom du signataire pour l'association",
    "arml.signatory.function": "fonction du signataire pour l'association",
    "prae.title": "intitulé du programme d'actions (PRAE)",
    "period.start": "première année de la convention",
    "period.end": "dernière année de la convention",
    "period.duration": "durée de la convention",
    "steering.meetings": "nombre de réunions annuelles du comité de pilotage",
    "signature.place": "lieu de signature",
    "signature.date": "date de signature",
    "signature.copies_words": "nombre d'exemplaires originaux",
}

TABLES: dict[str, str] = {
    "cost_per_axis": "tableau du coût par axe et par année",
    "contributions": "tableau des financements par financeur et par année",
    "payment_schedule": "échéancier de versement",
}

LISTS: dict[str, str] = {
    "objectives": "liste des axes et objectifs",
    "contributions": "contributions des financeurs signataires, en chiffres et en lettres",
    "steering_committee": "composition du comité de pilotage",
    "annexes": "liste des annexes",
}

KINDS = ("amount", "ref", "phrase", "table", "list")
BLOCK_KINDS = ("table", "list")

_CANDIDATE = re.compile(r"\{([^{}\s]+)\}")
_AMOUNT_ARG = re.compile(r"^([a-z][a-z0-9_]*)\.(total|\d{4})$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Placeholder:
    raw: str  # between the braces: "amount:state.total"
    kind: str  # "value", or one of KINDS (or what was typed before ":" when unknown)
    arg: str  # the value name, or what follows ":"

    @property
    def text(self) -> str:
        return "{" + self.raw + "}"


def placeholders_in(text: str) -> tuple[Placeholder, ...]:
    """Every placeholder written in `text`, in order."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        raw = match.group(1)
        kind, sep, arg = raw.partition(":")
        found.append(Placeholder(raw, kind, arg) if sep else Placeholder(raw, "value", raw))
    return tuple(found)


def placeholder_problem(ph: Placeholder, phrases: Mapping[str, object], article_keys: Collection[str]) -> str | None:
    """Why `ph` is not a placeholder the engine knows (French), or None."""
    if ph.kind == "value":
        return None if ph.arg in VALUES else "variable inconnue"
    if ph.kind == "amount":
        return None if _AMOUNT_ARG.match(ph.arg) else "montant mal formé (attendu : financeur.année ou financeur.total)"
    if ph.kind == "ref":
        return None if ph.arg in article_keys else "renvoi à un article inconnu"
    if ph.kind == "phrase":
        return None if ph.arg in phrases else "formule inconnue"
    if ph.kind == "table":
        return None if ph.arg in TABLES else "tableau inconnu"
    if ph.kind == "list":
        return None if ph.arg in LISTS else "liste inconnue"
    return "type de variable inconnu"


def text_problems(text: str, phrases: Mapping[str, object], article_keys: Collection[str]) -> list[str]:
    """The placeholders of an article's text the engine would not know, or misplaced ones."""
    problems = []
    for ph in placeholders_in(text):
        reason = placeholder_problem(ph, phrases, article_keys)
        if reason:
            problems.append(f"{ph.text} ({reason})")
    for line in (text or "").split("\n"):
        for ph in placeholders_in(line):
            if ph.kind in BLOCK_KINDS and line.strip() != ph.text:
                problems.append(f"{ph.text} (doit figurer seul sur sa ligne)")
    return problems
