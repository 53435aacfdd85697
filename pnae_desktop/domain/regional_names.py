"""How the État, the regional authority and the ARML are named in each region, at a date.

The data is ``resources/convention/regional-names.json`` (schema alongside), checked when first
read: per region the préfet's title, the regional authority (Région, Collectivité de Corse,
collectivités territoriales of Martinique and Guyane, Département de Mayotte) and its signatory's
function, the ARML's name after « de », the directeur régional des finances publiques; per kind
of region the État's service (Direccte / Dieccte, then DREETS / DRIEETS / DEETS from 1 April
2021). Every value carries the date it applies from. These are defaults: what a PRAE stores
overrides them.

Functions are written in the masculine or as « président(e) »; ``agree`` makes them agree with
the civility of the person named (« Mme … » → préfète, présidente, directrice).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from pnae_desktop import paths
from pnae_desktop.errors import ValidationError

DATA_FILE = "regional-names.json"
SCHEMA_FILE = "regional-names.schema.json"
FOLDER = "convention"
ARML_PREFIX = "Association régionale des missions locales"


@dataclass(frozen=True)
class RegionalNames:
    code: str
    region_name: str  # "La Réunion", as the catalogue writes it
    of: str  # "de La Réunion", "des Hauts-de-France", "d'Île-de-France"
    state_service: str  # "Direccte", "Dieccte", "DREETS", "DRIEETS", "DEETS"
    state_director: str  # "directeur régional des entreprises, … et de l'emploi des Hauts-de-France"
    prefect: str  # "préfet de la région Hauts-de-France, préfet du Nord"
    prefect_region: str  # "préfet de la région Hauts-de-France" (the ordonnateur)
    authority: str  # "Région Hauts-de-France", "Collectivité de Corse"
    authority_feminine: bool  # "la Région" / "le Département"
    authority_short: str  # "la Région", "la Collectivité", "le Département"
    authority_signatory: str  # "président(e) du conseil régional des Hauts-de-France"
    accountant: str  # "directeur régional des finances publiques des Hauts-de-France et du …"
    programme: str  # "102 « Accès et retour à l'emploi »"
    programme_action: str
    bop: str
    arml_president_civility: str = ""  # a correction of annexe 3's title, "" when none

    @property
    def arml_name(self) -> str:
        return f"{ARML_PREFIX} {self.of}"

    @property
    def state_service_label(self) -> str:
        """ "Dieccte La Réunion", "Direccte Hauts-de-France"."""
        return f"{self.state_service} {self.region_name}"

    @property
    def state_funder(self) -> str:
        """The default name of the État as a funder: "État (Dieccte La Réunion)"."""
        return f"État ({self.state_service_label})"

    @property
    def authority_with_article(self) -> str:
        """ "la Région Réunion", "le Département de Mayotte (…)"."""
        return f"{'la' if self.authority_feminine else 'le'} {self.authority}"


def _validator() -> Any:  # a jsonschema validator (untyped library)
    import jsonschema  # only reading the names needs it

    folder = paths.resources().joinpath(FOLDER)
    return jsonschema.Draft202012Validator(json.loads(folder.joinpath(SCHEMA_FILE).read_text(encoding="utf-8")))


def names_from_data(data: Any) -> dict[str, Any]:
    """`data` checked against the schema (French error naming the field), and its dates."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(racine)"
        raise ValidationError(
            f"Dénominations régionales : champ « {where} » non conforme au schéma : {errors[0].message}."
        )
    for code, region in data["regions"].items():
        if region["services"] not in data["state_services"]:
            raise ValidationError(
                f"Dénominations régionales : région {code}, services « {region['services']} » inconnus."
            )
    return dict(data)


@cache
def _data() -> dict[str, Any]:
    source = paths.resources().joinpath(FOLDER).joinpath(DATA_FILE)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Dénominations régionales illisibles : {exc}.") from None
    return names_from_data(data)


def _at(entries: list[dict[str, Any]], on: date) -> dict[str, Any]:
    """The entry in force on `on`: the latest whose "from" is not after it (the first otherwise)."""
    chosen = entries[0]
    for e in sorted(entries, key=lambda e: e["from"] or ""):
        if e["from"] is None or date.fromisoformat(e["from"]) <= on:
            chosen = e
    return chosen


def known(code: str) -> bool:
    return code in _data()["regions"]


def regional_names(code: str, region_name: str, on: date) -> RegionalNames:
    """The names in force in region `code` (INSEE) on `on`."""
    data = _data()
    region = data["regions"].get(code)
    if region is None:
        raise ValidationError(f"Région {code} : dénominations inconnues.")
    service = _at(data["state_services"][region["services"]], on)
    prefect = _at(region["prefect"], on)
    authority = _at(region["authority"], on)
    return RegionalNames(
        code=code,
        region_name=region_name,
        of=region["of"],
        state_service=service["name"],
        state_director=f"{service['director']} {region['of']}",
        prefect=prefect["title"],
        prefect_region=prefect["region_title"],
        authority=authority["name"],
        authority_feminine=authority["gender"] == "f",
        authority_short=authority["short"],
        authority_signatory=authority["signatory"],
        accountant=_at(region["accountant"], on)["title"],
        programme=data["budget"]["programme"],
        programme_action=data["budget"]["action"],
        bop=data["budget"]["bop"],
        arml_president_civility=(region.get("arml_president_civility") or {}).get("civility", ""),
    )


def convention_date(signature: date | None, start_year: int) -> date:
    """The date a convention's names are taken at: its signature, else 1 January of its first year."""
    return signature or date(start_year, 1, 1)


# -- civility ------------------------------------------------------------------------------------

_FEMININE = {"Mme", "Madame", "Mlle", "Mademoiselle"}
_MASCULINE = {"M.", "M", "Monsieur"}
# masculine -> feminine, for the functions a convention prints
_WORDS = (
    ("préfet", "préfète"),
    ("président", "présidente"),
    ("co-président", "co-présidente"),
    ("vice-président", "vice-présidente"),
    ("directeur régional et interdépartemental", "directrice régionale et interdépartementale"),
    ("directeur régional", "directrice régionale"),
    ("directeur", "directrice"),
    ("délégué", "déléguée"),
    ("sous-préfet", "sous-préfète"),
    ("secrétaire général", "secrétaire générale"),
)
_ARTICLES = (("le ", "la "), ("du ", "de la "), ("au ", "à la "))


def civility_of(name: str) -> str:
    """ "Mme", "M." or "" from how a name starts: "Mme Hélène Marchand" → "Mme"."""
    first = (name or "").strip().split(" ", 1)[0]
    if first in _FEMININE:
        return "Mme"
    if first in _MASCULINE:
        return "M."
    return ""


def _case_like(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _replacer(word: str) -> Callable[[re.Match[str]], str]:
    """Replace a match's first group by `word`, keeping its initial capital."""
    return lambda m: _case_like(m.group(1), word)


def agree(function: str, civility: str) -> str:
    """`function` made to agree with `civility`: agree("préfet de la région X, préfet de Y", "Mme")
    is "préfète de la région X, préfète de Y"; "président(e)" becomes "présidente" or "président";
    with no civility the text is returned as it is."""
    if not function or civility not in ("Mme", "M."):
        return function
    out = function
    for masc, fem in sorted(_WORDS, key=lambda pair: -len(pair[0])):
        if civility == "Mme":
            source, target = rf"(?<![\w-])({re.escape(masc)})(?:\(e\))?(?![\w-])", fem
        else:
            source, target = rf"(?<![\w-])({re.escape(fem)}|{re.escape(masc)}\(e\))(?![\w-])", masc
        out = re.sub(source, _replacer(target), out, flags=re.IGNORECASE)
    return _agree_articles(out, civility)


def _agree_articles(text: str, civility: str) -> str:
    """ "le préfète" → "la préfète", "la préfet" → "le préfet" (after the nouns were agreed)."""
    nouns_f = "|".join(re.escape(f) for _, f in _WORDS)
    nouns_m = "|".join(re.escape(m) for m, _ in _WORDS)
    for masc_art, fem_art in _ARTICLES:
        if civility == "Mme":
            pattern, repl = rf"(?<![\w-])({masc_art.strip()}) (?=(?:{nouns_f})(?![\w-]))", fem_art.strip()
        else:
            pattern, repl = rf"(?<![\w-])({fem_art.strip()}) (?=(?:{nouns_m})(?![\w-]))", masc_art.strip()
        text = re.sub(pattern, _replacer(repl + " "), text, flags=re.IGNORECASE)
    return text


# -- defaults outside the convention -------------------------------------------------------------


def arml_name(code: str, region_name: str) -> str:
    """ "Association régionale des missions locales de La Réunion" (any date: the name after « de »
    does not change)."""
    if not known(code):
        return f"{ARML_PREFIX} {region_name}"
    return f"{ARML_PREFIX} {_data()['regions'][code]['of']}"


def arml_president_title(code: str, title: str) -> str:
    """Annexe 3's title for the ARML's president, with the data's civility correction if any."""
    correction = (_data()["regions"].get(code, {}).get("arml_president_civility") or {}).get("civility", "")
    return agree(title, correction) if correction else title


def default_funder_names(code: str, region_name: str, on: date) -> dict[str, str]:
    """Funder kind -> the name a new PRAE's funder takes in the region: the État by its regional
    service ("État (Dieccte La Réunion)"), the regional authority by its name ("Région Réunion")."""
    if not known(code):
        return {}
    found = regional_names(code, region_name, on)
    return {"etat": found.state_funder, "region": found.authority}
