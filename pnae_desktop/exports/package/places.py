"""Places in a package, said in French: "actions.json, action 3, indicateur 2, cible 2019,
valeur" for the JSON path of a refused value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pnae_desktop.domain import drafting
from pnae_desktop.schema_messages import short

_ITEMS = {
    "actions": "action",
    "calendar": "jalon",
    "objectives": "objectif CPO",
    "indicators": "indicateur",
    "targets": "cible",
    "missions_locales": "mission locale",
    "funders": "financeur",
    "charges": "charge",
    "financing": "financement",
    "structural_costs": "frais de structure",
    "allocation_keys": "clé de répartition",
    "shares": "part",
    "payments": "modalités de versement",
    "instalments": "versement",
    "articles": "article",
    "territorial_levels": "niveau",
    "members": "membre",
}
_BY_YEAR = ("targets", "allocation_keys")
_FIELDS = {
    "title": "intitulé",
    "year": "année",
    "text": "texte",
    "label": "libellé",
    "amount": "montant",
    "quarter": "trimestre",
    "date": "date",
    "code": "code",
    "share": "part",
    "unit": "unité",
    "source": "source",
    "baseline": "valeur de référence",
    "baseline_year": "année de référence",
    "value": "valeur",
    "comment": "commentaire",
    "name": "nom",
    "kind": "type",
    "account": "compte",
    "etp": "ETP",
    "annual_cost": "coût annuel chargé",
    "status": "statut",
    "funder": "financeur",
    "action": "action",
    "method": "méthode",
    "region": "région",
    "period": "période",
    "start": "début",
    "end": "fin",
    "organisation": "organisation",
    "settings": "paramètres",
    "key": "clé",
    "template": "modèle",
    "pnae_action": "action du PNAE",
    "theme_label": "thème",
    "fields": "fiche",
    "regional_priority": "priorité régionale",
    "calendar_note": "note du calendrier",
    "notes": "notes",
    "city": "ville",
    "director": "direction",
    "contact": "contact",
    "uid": "identifiant (uid)",
    "catalogue_edition": "édition du socle commun",
    "insee_code": "code INSEE",
    "signature": "signature",
    "steering": "comité de pilotage",
    "council": "Région",
    "state": "État",
    "arml": "ARML",
    "signatory": "signataire",
    "prefect": "préfet",
    "format": "format",
    "format_version": "version du format",
    "schema_version": "version du schéma",
    "app_version": "version de l'application",
    "created_at": "date de création",
    "prae_uid": "identifiant du PRAE",
    "members": "membres",
    "missions_locales": "missions locales",
    "payments": "modalités de versement",
    "with_region": "avec la Région",
    "tribunal": "tribunal",
    "deliberation": "délibération",
    "project": "projet",
    "place": "lieu",
    "date_by_hand": "date à la main",
    "copies": "exemplaires",
    "meetings_per_year": "réunions par an",
    "percent": "pourcentage",
    "trigger": "échéance",
    "removed": "supprimé",
    "custom": "ajouté",
    "function": "fonction",
    "acronym": "sigle",
    "address": "adresse",
    "siret": "SIRET",
    "legal_form": "forme juridique",
    "representative_name": "représentant",
    "representative_title": "qualité du représentant",
    "email": "courriel",
    "phone": "téléphone",
    "pilot": "pilote",
    "co_pilots": "co-pilotes",
    "partners": "partenaires",
    "territorial_levels": "dimension territoriale",
    "objectives": "objectifs CPO",
    "indicators": "indicateurs",
    "calendar": "calendrier",
    "targets": "cibles",
    "shares": "parts",
    "instalments": "versements",
}


def place(member: str, path: Iterable[Any], document: Any) -> str:
    """ "actions.json, action 3, indicateur 2, cible 2019, valeur" for a JSON path."""
    parts = [member]
    steps = list(path)
    node = document
    i = 0
    while i < len(steps):
        key = steps[i]
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        child = _get(node, key)
        if isinstance(key, str) and isinstance(nxt, int) and key in _ITEMS:
            item = _get(child, nxt)
            year = item.get("year") if isinstance(item, dict) else None
            if key in _BY_YEAR and isinstance(year, int) and not isinstance(year, bool):
                parts.append(f"{_ITEMS[key]} {year}")
            else:
                parts.append(f"{_ITEMS[key]} {nxt + 1}")
            node = item
            i += 2
            continue
        if isinstance(key, int):
            parts.append(f"élément {key + 1}")
        elif node is document and member == "convention.json" and key == "articles":
            parts.append("articles")
        else:
            label = _FIELDS.get(key) or drafting.FIELD_LABELS.get(key)
            parts.append(label if label else f"« {short(key)} »")
        node = child
        i += 1
    return ", ".join(parts)


def _get(node: Any, key: Any) -> Any:
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return None
