"""Domain rules with French messages. Pure functions: no Qt, no SQL."""

from __future__ import annotations

import re
from datetime import date

from pnae_desktop.errors import ValidationError
from pnae_desktop.text import control_character

MIN_PERIOD_YEARS = 1
MAX_PERIOD_YEARS = 4
PLAUSIBLE_YEARS = range(2000, 2101)

PRAE_STATUSES = {
    "brouillon": "Brouillon",
    "concertation": "En concertation",
    "valide": "Validé",
    "signe": "Signé",
}
SIGNED_STATUS = "signe"  # set when every party has signed the convention or an avenant (services.versions)


_WHOLE = re.compile(r"[0-9]+")
_FRENCH_DATE = re.compile(r"([0-9]{1,2}) */ *([0-9]{1,2}) */ *([0-9]{4})")


def whole_number(text: str) -> int | None:
    """ "12" → 12; None unless `text` is only ASCII digits ("²" and "١٢" pass str.isdigit()
    but not int()). Callers word their own message."""
    return int(text) if _WHOLE.fullmatch(text) else None


def french_date(text: str) -> date | None:
    """ "15/06/2018" (jj/mm/aaaa) → date(2018, 6, 15); None when not a real date so written."""
    match = _FRENCH_DATE.fullmatch(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def objective_order(code: str) -> tuple[int, ...]:
    """Sort key of a CPO objective code: "1.2" before "1.10", "2" before "3.1"."""
    return tuple(int(part) for part in code.split("."))


def check_period(start_year: int, end_year: int) -> None:
    if start_year not in PLAUSIBLE_YEARS or end_year not in PLAUSIBLE_YEARS:
        raise ValidationError("La période doit être comprise entre 2000 et 2100.", "period")
    span = end_year - start_year + 1
    if span < MIN_PERIOD_YEARS:
        raise ValidationError("L'année de fin doit suivre ou égaler l'année de début.", "period")
    if span > MAX_PERIOD_YEARS:
        raise ValidationError(
            f"Un PRAE couvre de {MIN_PERIOD_YEARS} à {MAX_PERIOD_YEARS} ans "
            f"(ici {span} ans, de {start_year} à {end_year}).",
            "period",
        )


def check_status(status: str) -> None:
    if status not in PRAE_STATUSES:
        raise ValidationError(f"Statut inconnu : « {status} ».", "status")


def check_required_text(value: str | None, label: str, field: str) -> str:
    text = (check_text(value, label, field) or "").strip()
    if not text:
        raise ValidationError(f"Le champ « {label} » ne peut pas être vide.", field)
    return text


def siret_is_valid(siret: str) -> bool:
    """SIRET: 14 digits passing the Luhn checksum (La Poste's SIRETs are the known exception)."""
    digits = siret.replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith("356000000") and sum(int(d) for d in digits) % 5 == 0:
        return True  # La Poste's establishments: digit sum multiple of 5 (head office passes Luhn)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def check_siret(siret: str | None) -> str | None:
    """An empty SIRET is allowed (filled later); a typed one must be valid."""
    value = (siret or "").replace(" ", "")
    if not value:
        return None
    if not siret_is_valid(value):
        raise ValidationError(
            f"SIRET « {siret} » invalide : 14 chiffres attendus, avec une clé de contrôle correcte.",
            "siret",
        )
    return value


def check_text(value: str | None, label: str, field: str | None = None, *, long_text: bool = False) -> str | None:
    """Refuse a typed text holding a control character, naming the field and the character
    (« Intitulé : caractère de contrôle U+0007 non autorisé. »); return `value` unchanged."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{label} : texte attendu.", field)
    bad = control_character(value, long_text=long_text)
    if bad is not None:
        raise ValidationError(f"{label} : caractère de contrôle U+{ord(bad):04X} non autorisé.", field)
    return value
