"""Exchange packages (".prae"): one PRAE, whole, in a zip a colleague can import offline.

A package is a zip of five JSON members (UTF-8, sorted keys, decimals as strings, ISO dates):
``manifest.json`` (format, versions, the PRAE's uid, the SHA-256 of every other member),
``prae.json``, ``actions.json``, ``budget.json`` and ``convention.json``. Inside the package
things refer to each other by position (an action's missions locales, a financing line's
funder, a manual allocation share's action), never by store ids. docs/package-format.md
documents the format; resources/package.schema.json is its JSON Schema (docs/ has a copy).

Import is all-or-nothing: the package is read with bounded sizes, checked (container, manifest,
checksums, schema, then every domain rule) before the store is touched, and written in one
transaction. Any problem raises `PackageError` (a UserError) whose French message names the
member and the place in it; the store is then left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from pnae_desktop import paths
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import drafting, rules
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, Organisation
from pnae_desktop.domain.money import cents_from_decimal_str, cents_to_decimal_str
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.services.drafting import check_mission_locale, indicator_rows, milestone_rows
from pnae_desktop.services.praes import ORGANISATION_TEXT_FIELDS, check_organisation
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import (
    FICHE_TEXT_FIELDS,
    ActionMissionLocaleRow,
    ActionObjectiveRow,
    AllocationKeyRow,
    AllocationShareRow,
    ChargeLineRow,
    ConventionRow,
    FinancingLineRow,
    FunderRow,
    MissionLocaleRow,
    OrganisationRow,
    PraeActionRow,
    PraeRow,
    StructuralCostRow,
    new_uid,
    utcnow,
)
from pnae_desktop.store.schema import HEAD_REVISION, KNOWN_REVISIONS

FORMAT = "pnae-desktop-package"
FORMAT_VERSION = 1
SUFFIX = ".prae"
MANIFEST = "manifest.json"
MEMBERS = ("prae.json", "actions.json", "budget.json", "convention.json")
ALL_MEMBERS = (MANIFEST, *MEMBERS)
SCHEMA_FILE = "package.schema.json"

# Limits: a real package is a few hundred kilobytes.
MAX_PACKAGE_BYTES = 50 * 1024 * 1024  # the .prae file itself
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # all members, uncompressed
MAX_MEMBERS = 16  # entries in the zip (5 are expected; more is refused before reading any)

# An action in actions.json (format version 1): what serialize.action_to_dict gives, less ids.
ACTION_KEYS = (
    "pnae_action",
    "title",
    "theme_label",
    "fields",
    "pilot",
    "co_pilots",
    "partners",
    "regional_priority",
    "territorial_levels",
    "calendar_note",
    "notes",
    "calendar",
    "objectives",
    "indicators",
    "missions_locales",
)

COPY_SUFFIX = " (copie)"
BACKUP_REASON = "avant-import"
Mode = Literal["new", "copy", "replace"]
MODES = ("new", "copy", "replace")

_DRIVE = re.compile(r"^[A-Za-z]:")
_FUNDER_REF = re.compile(r"^financeur#(\d+)$")
_STORE_FUNDER_KEY = re.compile(r"^financeur_(\d+)$")


class PackageError(UserError):
    """A package refused: `member` (or None for the container) and `where` name the place."""

    def __init__(self, where: str, why: str | None = None, member: str | None = None):
        if why is None:  # rebuilt from its message (copy, pickle)
            super().__init__(where)
        else:
            super().__init__(f"{where} : {why.strip().rstrip('.')}. Rien n'a été importé.")
        self.where = where
        self.member = member


# -- the schema -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def package_schema() -> dict:
    """The package's JSON Schema, as shipped under resources/ (docs/ holds the same file)."""
    return json.loads(paths.resources().joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


@cache
def _validator(member: str):
    import jsonschema  # only reading a package needs it

    def strict_integer(_checker, instance) -> bool:  # JSON 1.0 is not an integer here
        return isinstance(instance, int) and not isinstance(instance, bool)

    base = jsonschema.Draft202012Validator
    strict = jsonschema.validators.extend(base, type_checker=base.TYPE_CHECKER.redefine("integer", strict_integer))
    defs = package_schema()["$defs"]

    def inline(node):  # the schema's $refs resolved once: validation is then twice as fast
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return strict(inline(defs[member.removesuffix(".json")]))


# -- export -------------------------------------------------------------------------------------


def _dumps(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def export_package(store: Store, prae_id: int, out_path: Path | str, *, app_version: str) -> Path:
    """Write the PRAE `prae_id` as a package at `out_path` (temp file, then renamed); return it."""
    from pnae_desktop.services.convention import settings_from_dict, settings_to_dict
    from pnae_desktop.services.praes import action_entity, load_prae_row
    from pnae_desktop.services.serialize import action_to_dict, decimal_str

    out = Path(out_path).expanduser()
    with store.transaction() as session:
        prae = load_prae_row(session, prae_id, with_budget=True)
        ml_position = {m.id: i for i, m in enumerate(prae.missions_locales)}
        action_position = {a.id: i for i, a in enumerate(prae.actions)}
        funder_position = {f.id: i for i, f in enumerate(prae.funders)}
        org = prae.organisation
        prae_doc = {
            "uid": prae.uid,
            "title": prae.title,
            "region": {"insee_code": prae.region_code, "name": prae.region_name},
            "period": {"start": prae.start_year, "end": prae.end_year},
            "status": prae.status,
            "catalogue_edition": prae.catalogue_edition,
            "organisation": {
                "name": org.name,
                "acronym": org.acronym,
                "address": org.address,
                "siret": org.siret or None,
                "legal_form": org.legal_form,
                "representative_name": org.representative_name,
                "representative_title": org.representative_title,
                "email": org.email,
                "phone": org.phone,
            },
            "missions_locales": [
                {"name": m.name, "city": m.city, "director": m.director, "contact": m.contact}
                for m in prae.missions_locales
            ],
        }
        actions = []
        for row in prae.actions:
            a = action_to_dict(action_entity(row))  # its id, position and "regional" are implied
            a = {key: a[key] for key in ACTION_KEYS}
            a["missions_locales"] = sorted(ml_position[i] for i in a["missions_locales"])
            actions.append(a)
        charges, financing = [], []
        for row in prae.actions:
            pos = action_position[row.id]
            charges += [
                {
                    "action": pos,
                    "year": c.year,
                    "account": c.account,
                    "label": c.label,
                    "amount": None if c.amount_cents is None else cents_to_decimal_str(c.amount_cents),
                    "etp": decimal_str(c.etp),
                    "annual_cost": None if c.annual_cost_cents is None else cents_to_decimal_str(c.annual_cost_cents),
                }
                for c in sorted(row.charges, key=lambda c: (c.account, c.label, c.year))
            ]
            financing += [
                {
                    "action": pos,
                    "year": f.year,
                    "funder": funder_position[f.funder_id],
                    "amount": cents_to_decimal_str(f.amount_cents),
                    "status": f.status,
                }
                for f in sorted(row.financing, key=lambda f: (funder_position.get(f.funder_id, -1), f.year))
                if f.funder_id in funder_position
            ]
        budget_doc = {
            "funders": [{"name": f.name, "kind": f.kind} for f in prae.funders],
            "charges": charges,
            "financing": financing,
            "structural_costs": [
                {"year": s.year, "label": s.label, "amount": cents_to_decimal_str(s.amount_cents)}
                for s in prae.structural_costs
            ],
            "allocation_keys": [
                {
                    "year": k.year,
                    "method": k.method,
                    "shares": [
                        {"action": action_position[s.action_id], "share": decimal_str(s.share)}
                        for s in sorted(k.shares, key=lambda s: action_position.get(s.action_id, -1))
                        if s.action_id in action_position
                    ],
                }
                for k in prae.allocation_keys
            ],
        }
        convention_doc: dict = {"settings": None, "articles": None}
        row = session.get(ConventionRow, prae.id)
        if row is not None:
            settings = settings_to_dict(settings_from_dict(json.loads(row.settings_json)))
            if settings["payments"] is not None:
                settings["payments"] = [
                    {**p, "funder": ref}
                    for p in settings["payments"]
                    if (ref := _package_funder_key(p["funder"], funder_position)) is not None
                ]
            convention_doc = {
                "settings": settings,
                "articles": cv.state_to_dict(cv.state_from_dict(json.loads(row.articles_json))),
            }
        uid, edition = prae.uid, prae.catalogue_edition

    members = {
        "prae.json": _dumps(prae_doc),
        "actions.json": _dumps({"actions": actions}),
        "budget.json": _dumps(budget_doc),
        "convention.json": _dumps(convention_doc),
    }
    created = datetime.now(timezone.utc).replace(microsecond=0)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": str(app_version),
        "schema_version": HEAD_REVISION,
        "catalogue_edition": edition,
        "created_at": created.isoformat(),
        "prae_uid": uid,
        "members": {name: _sha256(data) for name, data in members.items()},
    }
    _write_zip(out, {MANIFEST: _dumps(manifest), **members}, created)
    return out


def _package_funder_key(key: str, funder_position: dict[int, int]) -> str | None:
    """A payment schedule's funder in the store ("financeur_<id>") as the package says it."""
    if key in ("state", "region"):
        return key
    match = _STORE_FUNDER_KEY.match(key)
    if match and int(match.group(1)) in funder_position:
        return f"financeur#{funder_position[int(match.group(1))]}"
    return None  # a schedule for a funder that no longer exists: never shown, not exported


def _write_zip(out: Path, members: dict[str, bytes], created: datetime) -> None:
    folder = out.parent
    if not folder.is_dir():
        raise UserError(f"Export impossible : le dossier « {folder} » n'existe pas.")
    temp = folder / f".{out.name}.{os.getpid()}.tmp"
    stamp = created.timetuple()[:6]
    try:
        with open(temp, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, data in members.items():
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    zf.writestr(info, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as exc:
        raise UserError(f"Export impossible : « {out} » n'a pas pu être écrit ({exc.strerror or exc}).") from None
    finally:
        if temp.exists():
            try:
                temp.unlink()
            except OSError:
                pass


# -- reading: the container ----------------------------------------------------------------------


def _eocd_entry_count(path: Path, size: int) -> int | None:
    """Entries announced by the zip's end record (read before zipfile parses the directory)."""
    tail = min(size, 22 + 65535)
    with open(path, "rb") as handle:
        handle.seek(size - tail)
        data = handle.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack("<H", data[at + 10 : at + 12])
    return count


def _name_problem(name: str) -> str | None:
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return "son nom contient des caractères de contrôle"
    if "\\" in name:
        return "son nom contient une barre oblique inverse (\\), interdite"
    if name.startswith("/"):
        return "c'est un chemin absolu"
    if _DRIVE.match(name):
        return "son nom commence par une lettre de lecteur"
    parts = name.split("/")
    if ".." in parts:
        return "son chemin sort du dossier du paquet (« .. »)"
    if "/" in name:
        return "le paquet ne contient pas de sous-dossier"
    return None


def _read_container(path: Path) -> dict[str, bytes]:
    """Every member's bytes, after checking names, count, sizes and CRCs; PackageError else."""
    where = f"Paquet « {path.name} »"
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackageError(where, f"fichier introuvable ou illisible ({exc.strerror or exc})") from None
    if not path.is_file():
        raise PackageError(where, "ce n'est pas un fichier")
    if size > MAX_PACKAGE_BYTES:
        raise PackageError(
            where,
            f"fichier trop gros ({size // (1024 * 1024)} Mo, {MAX_PACKAGE_BYTES // (1024 * 1024)} Mo au plus)",
        )
    try:
        if size < 22 or not zipfile.is_zipfile(path):
            raise PackageError(where, "ce n'est pas un paquet PNAE Desktop (le fichier n'est pas une archive zip)")
        count = _eocd_entry_count(path, size)
        if count is not None and count > MAX_MEMBERS:
            raise PackageError(where, f"trop de fichiers dans l'archive ({count}, {MAX_MEMBERS} au plus)")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise PackageError(where, f"trop de fichiers dans l'archive ({len(infos)}, {MAX_MEMBERS} au plus)")
            seen: set[str] = set()
            for info in infos:
                problem = _name_problem(info.filename)
                if problem:
                    raise PackageError(where, f"membre « {info.filename[:80]} » refusé : {problem}")
                if info.filename in seen:
                    raise PackageError(where, f"membre « {info.filename} » présent deux fois")
                seen.add(info.filename)
                if info.filename not in ALL_MEMBERS:
                    raise PackageError(
                        where,
                        f"membre inattendu « {info.filename[:80]} » (attendus : {', '.join(ALL_MEMBERS)})",
                    )
                if info.flag_bits & 0x1:
                    raise PackageError(where, f"membre « {info.filename} » chiffré : non pris en charge")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise PackageError(
                        where,
                        f"membre « {info.filename} » : méthode de compression non prise en charge",
                    )
            missing = [m for m in ALL_MEMBERS if m not in seen]
            if missing:
                raise PackageError(where, f"membre « {missing[0]} » absent")
            declared = sum(info.file_size for info in infos)
            if declared > MAX_TOTAL_BYTES:
                raise PackageError(
                    where,
                    f"contenu trop volumineux une fois décompressé ({declared // (1024 * 1024)} Mo annoncés, "
                    f"{MAX_TOTAL_BYTES // (1024 * 1024)} Mo au plus)",
                )
            left = MAX_TOTAL_BYTES
            members = {}
            for info in infos:
                data = _read_bounded(zf, info, left, where)
                left -= len(data)
                members[info.filename] = data
            return members
    except PackageError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever zipfile trips on, the archive is damaged
        raise PackageError(where, f"archive zip endommagée ou tronquée ({exc.__class__.__name__})") from None


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, left: int, where: str) -> bytes:
    """Read a member without ever holding more than its announced size (a lying header or a
    zip bomb stops at the limit)."""
    limit = min(info.file_size, left)
    chunks, total = [], 0
    with zf.open(info) as handle:
        while True:
            chunk = handle.read(min(65536, limit - total + 1))
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise PackageError(
                    where,
                    f"membre « {info.filename} » plus volumineux qu'annoncé (archive piégée ou endommagée)",
                )
            chunks.append(chunk)
    if total != info.file_size:
        raise PackageError(where, f"membre « {info.filename} » tronqué")
    return b"".join(chunks)


# -- reading: JSON and the schema ------------------------------------------------------------------


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"clé « {key[:40]} » en double")
        out[key] = value
    return out


def _reject_constant(name):
    raise ValueError(f"valeur « {name} » interdite en JSON")


_JSON_ERRORS = {  # the json module's messages, in French
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Unterminated string starting at": "texte non terminé",
    "Invalid control character at": "caractère de contrôle dans un texte",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence \\u invalide",
    "Extra data": "données en trop après la fin du document",
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": "marque d'ordre des octets (BOM) en tête du fichier",
}


def _parse_json(member: str, data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageError(member, f"le fichier n'est pas en UTF-8 (octet {exc.start})", member) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        why = _JSON_ERRORS.get(exc.msg.split(":")[0], "syntaxe invalide")
        raise PackageError(member, f"JSON illisible ligne {exc.lineno}, colonne {exc.colno} ({why})", member) from None
    except ValueError as exc:
        raise PackageError(member, f"JSON refusé ({exc})", member) from None
    except RecursionError:
        raise PackageError(member, "JSON trop profondément imbriqué", member) from None


_TYPE_NAMES = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "vrai/faux",
    "null": "null",
    "array": "liste",
    "object": "objet",
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "vrai/faux"
    if isinstance(value, int):
        return "nombre entier"
    if isinstance(value, float):
        return "nombre à virgule"
    if isinstance(value, str):
        return "texte"
    if isinstance(value, list):
        return "liste"
    return "objet"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:39] + "…"


_PATTERN_HINTS = {
    "money": "montant attendu sous la forme « 1234.56 » (positif, deux décimales, en texte)",
    "decimal": "nombre positif attendu sous la forme « 12 » ou « 33.33 » (deux décimales au plus, en texte)",
    "date": "date attendue sous la forme « AAAA-MM-JJ »",
    "uid": "identifiant attendu sous la forme d'un UUID en minuscules",
    "sha256": "empreinte SHA-256 attendue (64 caractères hexadécimaux en minuscules)",
    "edition_key": "clé d'édition du socle commun mal formée",
}


@lru_cache(maxsize=1)
def _pattern_hints() -> dict[str, str]:
    defs = package_schema()["$defs"]
    return {defs[name]["pattern"]: hint for name, hint in _PATTERN_HINTS.items()}


def _schema_reason(error) -> str:
    v, expected, value = error.validator, error.validator_value, error.instance
    if v == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return f"champ « {missing[0] if missing else '?'} » absent"
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed) if isinstance(value, dict) else []
        return f"champ « {_short(extra[0]) if extra else '?'} » non prévu"
    if v == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " ou ".join(_TYPE_NAMES.get(k, k) for k in kinds)
        found = _short(value) if value is None or isinstance(value, bool) else f"{_kind(value)} {_short(value)}"
        return f"type attendu : {wanted} (trouvé : {found})"
    if v == "const":
        return f"valeur « {_short(value)} » au lieu de « {_short(expected)} »"
    if v == "enum":
        return f"valeur « {_short(value)} » non autorisée (possibles : {', '.join(map(str, expected))})"
    if v == "minLength":
        return "texte vide"
    if v == "maxLength":
        return f"texte trop long ({len(value)} caractères, {expected} au plus)"
    if v == "pattern":
        hint = _pattern_hints().get(expected, "format inattendu")
        return f"{hint} (trouvé : « {_short(value)} »)"
    if v == "minimum":
        return f"valeur {_short(value)} trop petite ({expected} au moins)"
    if v == "maximum":
        return f"valeur {_short(value)} trop grande ({expected} au plus)"
    if v == "maxItems":
        return f"trop d'éléments ({len(value)}, {expected} au plus)"
    if v == "minItems":
        return f"au moins {expected} élément(s) attendu(s)"
    if v == "uniqueItems":
        return "valeurs en double"
    return f"valeur non conforme ({v})"


# -- places, in French -------------------------------------------------------------------------

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


def _place(member: str, path, document: Any) -> str:
    """ "actions.json, action 3, indicateur 2, cible 2019, valeur" for a JSON path."""
    parts = [member]
    path = list(path)
    node = document
    i = 0
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
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
            parts.append(label if label else f"« {_short(key)} »")
        node = child
        i += 1
    return ", ".join(parts)


def _get(node: Any, key: Any) -> Any:
    try:
        return node[key]
    except (KeyError, IndexError, TypeError):
        return None


def _check_schema(member: str, document: Any) -> None:
    error = next(iter(_validator(member).iter_errors(document)), None)
    if error is not None:
        raise PackageError(_place(member, error.absolute_path, document), _schema_reason(error), member)
    _check_strings(member, document)


def _check_strings(member: str, document: Any) -> None:
    """No NUL character and no lone surrogate anywhere: neither store could keep them."""
    stack: list[tuple[Any, tuple]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
        elif isinstance(node, str):
            bad = "\x00" in node
            if not bad:
                try:
                    node.encode("utf-8")
                except UnicodeEncodeError:
                    bad = True
            if bad:
                raise PackageError(_place(member, path, document), "caractère interdit dans le texte", member)


# -- reading: the manifest and the documents --------------------------------------------------------


@dataclass(frozen=True)
class _Documents:
    manifest: dict
    prae: dict
    actions: dict
    budget: dict
    convention: dict


def _read_documents(path: Path) -> _Documents:
    raw = _read_container(path)
    manifest = _parse_json(MANIFEST, raw[MANIFEST])
    if not isinstance(manifest, dict):
        raise PackageError(MANIFEST, f"un objet JSON est attendu (trouvé : {_kind(manifest)})", MANIFEST)
    fmt = manifest.get("format")
    if fmt != FORMAT:
        raise PackageError(
            MANIFEST,
            f"format « {_short(fmt)} » inconnu : ce fichier n'est pas un paquet PNAE Desktop",
            MANIFEST,
        )
    version = manifest.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise PackageError(
            MANIFEST,
            f"paquet au format n° {version}, créé par une version plus récente de PNAE Desktop "
            f"(cette version lit le format n° {FORMAT_VERSION}) : mettez l'application à jour",
            MANIFEST,
        )
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise PackageError(MANIFEST, f"version de format « {_short(version)} » inconnue", MANIFEST)
    _check_schema(MANIFEST, manifest)
    schema_version = manifest["schema_version"]
    if schema_version not in KNOWN_REVISIONS:
        raise PackageError(
            _place(MANIFEST, ["schema_version"], manifest),
            f"paquet créé par une version plus récente de PNAE Desktop (schéma « {schema_version} ») : "
            "mettez l'application à jour pour l'importer",
            MANIFEST,
        )
    try:
        datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
    except ValueError:
        raise PackageError(_place(MANIFEST, ["created_at"], manifest), "date invalide", MANIFEST) from None
    for member in MEMBERS:
        if _sha256(raw[member]) != manifest["members"][member]:
            raise PackageError(
                member,
                "son contenu ne correspond pas à l'empreinte SHA-256 inscrite dans manifest.json "
                "(fichier modifié ou endommagé)",
                member,
            )
    docs = {}
    for member in MEMBERS:
        document = _parse_json(member, raw[member])
        _check_schema(member, document)
        docs[member] = document
    prae = docs["prae.json"]
    if prae["uid"] != manifest["prae_uid"]:
        raise PackageError(
            _place("prae.json", ["uid"], prae),
            "ne correspond pas à celui de manifest.json",
            "prae.json",
        )
    if prae["catalogue_edition"] != manifest["catalogue_edition"]:
        raise PackageError(
            _place("prae.json", ["catalogue_edition"], prae),
            "ne correspond pas à celle de manifest.json",
            "prae.json",
        )
    return _Documents(manifest, prae, docs["actions.json"], docs["budget.json"], docs["convention.json"])


# -- checking: the domain rules, and the rows to write ------------------------------------------------


def _refuse(where: str, exc: Exception) -> PackageError:
    return PackageError(where, str(exc), where.split(",", 1)[0])


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _cents(text: str | None) -> int | None:
    return None if text is None else cents_from_decimal_str(text)


def _text(value: str | None) -> str:
    return (value or "").strip()


@dataclass
class _Plan:
    """Everything to write, checked; rows are built inside the transaction from it."""

    uid: str
    title: str
    region_code: str
    region_name: str
    start_year: int
    end_year: int
    status: str
    edition: str
    organisation: dict
    missions_locales: list[dict]
    actions: list[dict]  # checked values, with their children
    funders: list[tuple[str, str]]
    charges: list[dict]
    financing: list[dict]
    structural_costs: list[tuple[int, str, int]]
    allocation_keys: list[tuple[int, str, list[tuple[int, Decimal]]]]
    settings: Any  # ConventionSettings | None (payments' funders as "financeur#N")
    state: cv.ConventionState | None


def _catalogue(edition: str) -> Catalogue:
    from pnae_desktop.catalogue.loader import shipped_catalogues

    for c in shipped_catalogues().editions:
        if c.key == edition:
            return c
    raise PackageError(
        "prae.json, édition du socle commun",
        f"l'édition « {edition} » n'est pas connue de cette version de PNAE Desktop",
        "prae.json",
    )


def _check(docs: _Documents) -> _Plan:
    p = docs.prae
    catalogue = _catalogue(p["catalogue_edition"])
    start, end = p["period"]["start"], p["period"]["end"]
    try:
        rules.check_period(start, end)
    except ValidationError as exc:
        raise _refuse("prae.json, période", exc) from None
    try:
        catalogue.region(p["region"]["insee_code"])
    except KeyError:
        raise PackageError(
            "prae.json, région, code INSEE",
            f"région « {p['region']['insee_code']} » inconnue du socle commun « {catalogue.short_title} »",
            "prae.json",
        ) from None
    title = _text(p["title"])
    if not title:
        raise PackageError("prae.json, intitulé", "l'intitulé ne peut pas être vide", "prae.json")
    o = p["organisation"]
    where = "prae.json, organisation"
    try:  # the same checks as the organisation form (the schema made every field a string)
        checked = check_organisation(Organisation(None, **o))
    except ValidationError as exc:
        raise _refuse(where, exc) from None
    organisation = {key: getattr(checked, key) for key in ("name", "siret", *ORGANISATION_TEXT_FIELDS)}
    missions = []
    for i, m in enumerate(p["missions_locales"]):
        try:  # the same checks as the missions locales dialog
            ml = check_mission_locale(MissionLocale(None, m["name"], m["city"], m["director"], m["contact"]))
        except ValidationError as exc:
            raise _refuse(f"prae.json, mission locale {i + 1}", exc) from None
        missions.append({"name": ml.name, "city": ml.city, "director": ml.director, "contact": ml.contact})

    actions = [_check_action(i, a, start, end, catalogue, len(missions)) for i, a in enumerate(docs.actions["actions"])]
    funders, charges, financing, structural, keys = _check_budget(docs.budget, start, end, actions)
    settings, state = _check_convention(docs.convention, start, end, len(funders))
    plan = _Plan(
        uid=p["uid"],
        title=title,
        region_code=p["region"]["insee_code"],
        region_name=_text(p["region"]["name"]),
        start_year=start,
        end_year=end,
        status=p["status"],
        edition=catalogue.key,
        organisation=organisation,
        missions_locales=missions,
        actions=actions,
        funders=funders,
        charges=charges,
        financing=financing,
        structural_costs=structural,
        allocation_keys=keys,
        settings=settings,
        state=state,
    )
    return plan


def _check_action(i: int, a: dict, start: int, end: int, catalogue: Catalogue, ml_count: int) -> dict:
    where = f"actions.json, action {i + 1}"
    try:
        number = a["pnae_action"]
        if number is not None:
            try:
                catalogue.action(number)
            except KeyError:
                raise ValidationError(f"action n° {number} du PNAE inconnue dans « {catalogue.short_title} »") from None
        # Checked as the editor checks them, kept as written (a fiche declined from the PNAE
        # keeps the catalogue's text and order, byte for byte).
        rules.check_required_text(a["title"], "Intitulé", "title")
        title = drafting.check_length(a["title"], "title", "Intitulé")
        pilot = drafting.check_length(a["pilot"], "pilot", "Pilote")
        co_pilots = drafting.check_length(a["co_pilots"], "co_pilots", "Co-pilotes")
        drafting.check_levels(a["territorial_levels"])
    except ValidationError as exc:
        raise _refuse(where, exc) from None
    milestones = []
    for j, m in enumerate(a["calendar"]):
        place = f"{where}, jalon {j + 1}"
        try:
            day = None
            if m["date"] is not None:
                try:
                    day = date.fromisoformat(m["date"])
                except ValueError:
                    raise ValidationError(f"date « {m['date']} » invalide") from None
            milestone = Milestone(m["year"], m["text"], m["quarter"], day)
            drafting.check_milestone(milestone, start, end)
            milestones.append(milestone)
        except ValidationError as exc:
            raise _refuse(place, exc) from None
    codes = [o["code"] for o in a["objectives"]]
    for j, code in enumerate(codes):
        if code in codes[:j]:
            raise PackageError(f"{where}, objectif CPO {j + 1}", f"objectif « {code} » en double", "actions.json")
    objectives = []
    for j, o in enumerate(a["objectives"]):
        place = f"{where}, objectif CPO {j + 1}"
        try:
            drafting.check_objectives([o["code"]], catalogue)
            objectives.append(
                (
                    o["code"],
                    drafting.check_share(_decimal(o["share"]), f"Part de l'objectif {o['code']}"),
                )
            )
        except ValidationError as exc:
            raise _refuse(place, exc) from None
    shares = {c: s for c, s in objectives}
    try:
        ordered = drafting.check_objectives([c for c, _ in objectives], catalogue)
        dom.ActionBudgetInfo(
            i,
            title,
            ordered,
            shares if objectives and all(s is not None for s in shares.values()) else None,
        )
    except ValidationError as exc:
        raise _refuse(f"{where}, objectifs CPO", exc) from None
    indicators = []
    for j, ind in enumerate(a["indicators"]):
        place = f"{where}, indicateur {j + 1}"
        try:
            indicators.append(
                drafting.check_indicator(
                    Indicator(
                        label=ind["label"],
                        unit=ind["unit"],
                        source=ind["source"],
                        baseline=_decimal(ind["baseline"]),
                        baseline_year=ind["baseline_year"],
                        targets=tuple((t["year"], _decimal(t["value"])) for t in ind["targets"]),
                        comment=ind["comment"],
                    ),
                    start,
                    end,
                )
            )
        except ValidationError as exc:
            raise _refuse(place, exc) from None
    links = a["missions_locales"]
    for j, index in enumerate(links):
        if index >= ml_count:
            raise PackageError(
                f"{where}, mission locale {j + 1}",
                f"la mission locale n° {index} n'existe pas dans l'annuaire de prae.json "
                f"({ml_count} entrée(s), numérotées à partir de 0)",
                "actions.json",
            )
        if index in links[:j]:
            raise PackageError(f"{where}, mission locale {j + 1}", "mission locale en double", "actions.json")
    return {
        "pnae_action": a["pnae_action"],
        "title": title,
        "theme_label": a["theme_label"],
        "fields": {k: a["fields"][k] for k in FICHE_TEXT_FIELDS},
        "pilot": pilot,
        "co_pilots": co_pilots,
        "partners": a["partners"],
        "regional_priority": a["regional_priority"],
        "territorial_levels": ",".join(a["territorial_levels"]),
        "calendar_note": a["calendar_note"],
        "notes": a["notes"],
        "milestones": milestones,
        "objectives": objectives,
        "indicators": indicators,
        "missions_locales": sorted(links),
    }


def _check_year(year: int, start: int, end: int, where: str, member: str) -> None:
    if not start <= year <= end:
        raise PackageError(where, f"l'année {year} est hors de la période du PRAE ({start}–{end})", member)


def _check_budget(b: dict, start: int, end: int, actions: list[dict]):
    member = "budget.json"
    n_actions = len(actions)

    def action_ref(index: int, where: str) -> int:
        if index >= n_actions:
            raise PackageError(
                f"{where}, action",
                f"l'action n° {index} n'existe pas dans actions.json ({n_actions} action(s), numérotées à partir de 0)",
                member,
            )
        return index

    funders = []
    for i, f in enumerate(b["funders"]):
        where = f"budget.json, financeur {i + 1}"
        name = _text(f["name"])
        if not name:
            raise PackageError(where, "le nom du financeur ne peut pas être vide", member)
        try:
            dom.Funder(i, name, f["kind"])
        except ValidationError as exc:
            raise _refuse(where, exc) from None
        funders.append((name, f["kind"]))

    charges, seen = [], set()
    for i, c in enumerate(b["charges"]):
        where = f"budget.json, charge {i + 1}"
        action = action_ref(c["action"], where)
        _check_year(c["year"], start, end, f"{where}, année", member)
        label = _text(c["label"])
        if not label:
            raise PackageError(f"{where}, libellé", "le libellé de la ligne ne peut pas être vide", member)
        amount, etp, cost = _cents(c["amount"]), _decimal(c["etp"]), _cents(c["annual_cost"])
        try:
            dom.ChargeLine(i, action, c["year"], c["account"], label, amount, etp, cost)
        except ValidationError as exc:
            raise _refuse(where, exc) from None
        key = (action, c["year"], c["account"], label)
        if key in seen:
            raise PackageError(
                where,
                f"ligne « {c['account']} / {label[:40]} » en double pour cette action et l'année {c['year']}",
                member,
            )
        seen.add(key)
        charges.append(
            {
                "action": action,
                "year": c["year"],
                "account": c["account"],
                "label": label,
                "amount_cents": amount,
                "etp": etp,
                "annual_cost_cents": cost,
            }
        )

    financing, seen = [], set()
    for i, f in enumerate(b["financing"]):
        where = f"budget.json, financement {i + 1}"
        action = action_ref(f["action"], where)
        if f["funder"] >= len(funders):
            raise PackageError(
                f"{where}, financeur",
                f"le financeur n° {f['funder']} n'existe pas ({len(funders)} financeur(s), numérotés à partir de 0)",
                member,
            )
        _check_year(f["year"], start, end, f"{where}, année", member)
        amount = _cents(f["amount"])
        try:
            dom.FinancingLine(i, action, f["year"], f["funder"], amount, f["status"])
        except ValidationError as exc:
            raise _refuse(where, exc) from None
        key = (action, f["year"], f["funder"])
        if key in seen:
            raise PackageError(
                where,
                f"deux lignes pour le même financeur, la même action et l'année {f['year']}",
                member,
            )
        seen.add(key)
        financing.append(
            {
                "action": action,
                "year": f["year"],
                "funder": f["funder"],
                "amount_cents": amount,
                "status": f["status"],
            }
        )

    structural, seen = [], set()
    for i, s in enumerate(b["structural_costs"]):
        where = f"budget.json, frais de structure {i + 1}"
        _check_year(s["year"], start, end, f"{where}, année", member)
        label = _text(s["label"])
        if not label:
            raise PackageError(f"{where}, libellé", "le libellé ne peut pas être vide", member)
        amount = _cents(s["amount"])
        try:
            dom.StructuralCost(s["year"], label, amount)
        except ValidationError as exc:
            raise _refuse(where, exc) from None
        if (s["year"], label) in seen:
            raise PackageError(where, f"ligne « {label[:40]} » en double pour {s['year']}", member)
        seen.add((s["year"], label))
        structural.append((s["year"], label, amount))

    keys, years = [], set()
    for i, k in enumerate(b["allocation_keys"]):
        where = f"budget.json, clé de répartition {k['year']}"
        _check_year(k["year"], start, end, where, member)
        if k["year"] in years:
            raise PackageError(where, "une seule clé de répartition par année", member)
        years.add(k["year"])
        shares: list[tuple[int, Decimal]] = []
        for j, s in enumerate(k["shares"]):
            action = action_ref(s["action"], f"{where}, part {j + 1}")
            if any(a == action for a, _ in shares):
                raise PackageError(f"{where}, part {j + 1}", "deux parts pour la même action", member)
            shares.append((action, Decimal(s["share"])))
        manual = dict(shares) if shares or k["method"] == "manual" else None
        try:
            dom.AllocationKey(k["year"], k["method"], manual)
        except ValidationError as exc:
            raise _refuse(where, exc) from None
        keys.append((k["year"], k["method"], shares))
    return funders, charges, financing, structural, keys


def _check_convention(c: dict, start: int, end: int, n_funders: int):
    from pnae_desktop.services.convention import check_settings, settings_from_dict

    member = "convention.json"
    if (c["settings"] is None) != (c["articles"] is None):
        raise PackageError(
            member,
            "les paramètres et les articles de la convention vont ensemble (tous deux présents ou tous deux null)",
            member,
        )
    if c["settings"] is None:
        return None, None
    raw = c["settings"]
    date_text = raw["signature"]["date"]
    if date_text is not None:
        try:
            date.fromisoformat(date_text)
        except ValueError:
            raise PackageError(
                "convention.json, paramètres, signature, date",
                f"date « {date_text} » invalide",
                member,
            ) from None
    for i, p in enumerate(raw["payments"] or ()):
        match = _FUNDER_REF.match(p["funder"])
        if match and int(match.group(1)) >= n_funders:
            raise PackageError(
                f"convention.json, paramètres, modalités de versement {i + 1}, financeur",
                f"le financeur n° {match.group(1)} n'existe pas dans budget.json",
                member,
            )
    try:
        settings = check_settings(settings_from_dict(raw), start, end)
    except ValidationError as exc:
        raise _refuse("convention.json, paramètres", exc) from None
    try:
        state = cv.state_from_dict(c["articles"])
        template = cv.load_template(state.template_key)
    except ValidationError as exc:
        raise _refuse("convention.json, articles, modèle", exc) from None
    problem = cv.state_problem(state, template)
    if problem is not None:
        index, reason = problem
        where = (
            "convention.json, articles"
            if index is None
            else f"convention.json, articles, article {index + 1} (« {state.articles[index].key} »)"
        )
        raise PackageError(where, reason, member)
    return settings, state


# -- inspect -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageInfo:
    """What a package holds, checked, and whether its PRAE is already in a store."""

    path: Path
    manifest: dict
    format_version: int
    app_version: str
    schema_version: str
    catalogue_edition: str
    created_at: datetime
    prae_uid: str
    title: str
    region_code: str
    region_name: str
    start_year: int
    end_year: int
    action_count: int
    existing_prae_id: int | None = None  # the PRAE with the same uid in the store given, if any
    existing_title: str | None = None

    @property
    def exists(self) -> bool:
        return self.existing_prae_id is not None

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"


def _load(path: Path | str) -> tuple[_Documents, _Plan]:
    docs = _read_documents(Path(path).expanduser())
    return docs, _check(docs)


def inspect_package(path: Path | str, store: Store | None = None) -> PackageInfo:
    """Read and check the whole package (PackageError else); tell whether `store` has its PRAE."""
    path = Path(path).expanduser()
    docs, plan = _load(path)
    existing = _existing(store, plan.uid) if store is not None else None
    m = docs.manifest
    return PackageInfo(
        path=path,
        manifest=m,
        format_version=m["format_version"],
        app_version=m["app_version"],
        schema_version=m["schema_version"],
        catalogue_edition=m["catalogue_edition"],
        created_at=datetime.fromisoformat(m["created_at"].replace("Z", "+00:00")),
        prae_uid=plan.uid,
        title=plan.title,
        region_code=plan.region_code,
        region_name=plan.region_name,
        start_year=plan.start_year,
        end_year=plan.end_year,
        action_count=len(plan.actions),
        existing_prae_id=existing[0] if existing else None,
        existing_title=existing[1] if existing else None,
    )


def _find(session, uid: str):
    """(id, title, created_at) of the store's PRAE with this uid, or None."""
    return session.execute(select(PraeRow.id, PraeRow.title, PraeRow.created_at).where(PraeRow.uid == uid)).first()


def _existing(store: Store, uid: str):
    with store.transaction() as session:
        return _find(session, uid)


# -- import --------------------------------------------------------------------------------------


def _already_there(title: str) -> PackageError:
    return PackageError(
        "prae.json, identifiant (uid)",
        f"ce fichier de données contient déjà ce PRAE (« {title} »). Choisissez « importer comme copie » "
        "pour l'ajouter à côté sous un nouvel identifiant, ou « remplacer » pour remplacer le PRAE existant "
        "(une sauvegarde est faite avant)",
        "prae.json",
    )


def import_package(
    store: Store,
    path: Path | str,
    *,
    mode: Mode = "new",
    store_path: Path | str | None = None,
) -> int:
    """Import the package's PRAE into `store`; return its id.

    mode "new": refused when a PRAE with the same uid is in the store; "copy": under a new uid,
    " (copie)" appended to the title; "replace": the PRAE with the same uid is replaced (same
    id), after a backup of the store file `store_path` when given (the SQLite file; pass it).
    Everything is checked before the store is touched, and written in one transaction."""
    if mode not in MODES:
        raise ValueError(f"unknown import mode {mode!r}")
    _, plan = _load(path)
    existing = _existing(store, plan.uid)
    if mode == "new" and existing is not None:
        raise _already_there(existing[1])
    if mode == "replace" and existing is not None and store_path is not None:
        from pnae_desktop.store.backup import backup_now

        backup_now(store_path, BACKUP_REASON)  # a StoreError here stops the import: nothing written
    if mode == "copy":
        plan.uid = new_uid()
        plan.title = plan.title[: 300 - len(COPY_SUFFIX)].rstrip() + COPY_SUFFIX
    try:
        with store.transaction() as session:
            return _write(session, plan, mode)
    except SQLAlchemyError as exc:
        raise PackageError(
            "Import",
            f"la base de données a refusé l'écriture ({exc.__class__.__name__}) ; "
            "le fichier de données est resté tel quel",
            None,
        ) from None


def _write(session, plan: _Plan, mode: str) -> int:
    now = utcnow()
    old = _find(session, plan.uid)  # again, inside the transaction: another import may have run
    prae_id = created_at = None
    if old is not None:
        if mode != "replace":  # another import got there first
            raise _already_there(old[1])
        prae_id, created_at = old[0], old[2]
        session.execute(delete(PraeRow).where(PraeRow.id == prae_id))  # the database cascades
    organisation = session.scalars(
        select(OrganisationRow)
        .where(
            OrganisationRow.region_code == plan.region_code,
            OrganisationRow.name == plan.organisation["name"],
        )
        .order_by(OrganisationRow.id)
    ).first()
    if organisation is None:
        organisation = OrganisationRow(region_code=plan.region_code, **plan.organisation)
        session.add(organisation)
    prae = PraeRow(
        id=prae_id,
        uid=plan.uid,
        organisation=organisation,
        region_code=plan.region_code,
        region_name=plan.region_name,
        title=plan.title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        catalogue_edition=plan.edition,
        status=plan.status,
        created_at=created_at or now,
        updated_at=now,
    )
    missions = [MissionLocaleRow(**m) for m in plan.missions_locales]
    prae.missions_locales = list(missions)
    actions = []
    for position, a in enumerate(plan.actions):
        row = PraeActionRow(
            position=position,
            pnae_action=a["pnae_action"],
            title=a["title"],
            theme_label=a["theme_label"],
            pilot=a["pilot"],
            co_pilots=a["co_pilots"],
            partners=a["partners"],
            regional_priority=a["regional_priority"],
            territorial_levels=a["territorial_levels"],
            calendar_note=a["calendar_note"],
            notes=a["notes"],
            **a["fields"],
        )
        row.calendar = milestone_rows(a["milestones"])
        row.objectives = [ActionObjectiveRow(objective_code=c, share=s) for c, s in a["objectives"]]
        row.indicators = indicator_rows(a["indicators"])
        actions.append(row)
    prae.actions = actions
    for c in plan.charges:
        actions[c["action"]].charges.append(
            ChargeLineRow(
                year=c["year"],
                account=c["account"],
                label=c["label"],
                amount_cents=c["amount_cents"],
                etp=c["etp"],
                annual_cost_cents=c["annual_cost_cents"],
            )
        )
    funders = [FunderRow(position=i, name=name, kind=kind) for i, (name, kind) in enumerate(plan.funders)]
    prae.funders = funders
    counters = {}
    for year, label, cents in plan.structural_costs:
        pos = counters.get(year, 0)
        counters[year] = pos + 1
        prae.structural_costs.append(StructuralCostRow(year=year, position=pos, label=label, amount_cents=cents))
    session.add(prae)
    session.flush()  # ids of the actions, directory entries and funders
    for a, row in zip(plan.actions, actions):
        row.mission_locale_links = [
            ActionMissionLocaleRow(mission_locale_id=missions[i].id) for i in a["missions_locales"]
        ]
    for f in plan.financing:
        actions[f["action"]].financing.append(
            FinancingLineRow(
                year=f["year"],
                funder_id=funders[f["funder"]].id,
                amount_cents=f["amount_cents"],
                status=f["status"],
            )
        )
    for year, method, shares in plan.allocation_keys:
        key = AllocationKeyRow(year=year, method=method)
        key.shares = [
            AllocationShareRow(prae_id=prae.id, year=year, action_id=actions[a].id, share=s) for a, s in shares
        ]
        prae.allocation_keys.append(key)
    if plan.settings is not None:
        from pnae_desktop.services.convention import settings_to_dict

        settings = plan.settings
        if settings.payments is not None:
            settings = replace(
                settings,
                payments=tuple(replace(p, funder=_store_funder_key(p.funder, funders)) for p in settings.payments),
            )
        session.add(
            ConventionRow(
                prae_id=prae.id,
                template_key=plan.state.template_key,
                settings_json=json.dumps(settings_to_dict(settings), ensure_ascii=False),
                articles_json=json.dumps(cv.state_to_dict(plan.state), ensure_ascii=False),
            )
        )
    session.flush()
    return prae.id


def _store_funder_key(key: str, funders: list[FunderRow]) -> str:
    match = _FUNDER_REF.match(key)
    return f"financeur_{funders[int(match.group(1))].id}" if match else key


__all__ = [
    "ALL_MEMBERS",
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_MEMBERS",
    "MAX_PACKAGE_BYTES",
    "MAX_TOTAL_BYTES",
    "MEMBERS",
    "SUFFIX",
    "PackageError",
    "PackageInfo",
    "export_package",
    "import_package",
    "inspect_package",
    "package_schema",
]
