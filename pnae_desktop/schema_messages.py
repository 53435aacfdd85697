"""jsonschema's errors said in French: the one translator the catalogue loader and the exchange
packages share (a base module: any layer may import it; it imports nothing of the project).

`SchemaMessages.reason(error)` says, by the rule that failed, why a value was refused; the
caller says where (a JSON path, or the French place in a package). Two readers, two wordings
of the same sentences: `SchemaMessages` speaks to a user who received a file (values in
guillemets, what type was found, the choices of a list); `TechnicalMessages` to whoever edits a
shipped JSON file by hand (values as Python shows them, every missing field at once).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

TYPE_NAMES = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "vrai/faux",
    "null": "null",
    "array": "liste",
    "object": "objet",
}


def kind(value: Any) -> str:
    """The JSON type of a value, in French ("nombre à virgule" for a float)."""
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


def short(value: Any) -> str:
    """A value as JSON text (a string as itself), cut to 40 characters."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:39] + "…"


class SchemaMessages:
    """French reasons for jsonschema errors. `pattern_hints` maps a schema's regular expressions
    to what they expect, said in words ("date attendue sous la forme « AAAA-MM-JJ »")."""

    list_choices = True  # an enum's refusal names the allowed values

    def __init__(self, pattern_hints: Mapping[str, str] | None = None):
        self.pattern_hints = dict(pattern_hints or {})

    # -- the wording a subclass may change ----------------------------------------------------

    def quoted(self, value: Any) -> str:
        return f"« {short(value)} »"

    def found(self, value: Any) -> str:
        """What was found instead of the expected type."""
        shown = short(value) if value is None or isinstance(value, bool) else f"{kind(value)} {short(value)}"
        return f"trouvé : {shown}"

    def missing(self, names: list[str]) -> str:
        return f"champ « {names[0] if names else '?'} » absent"

    # -- the rules ---------------------------------------------------------------------------

    def reason(self, error: Any) -> str:
        """Why `error` (a jsonschema ValidationError) refused its value, in French."""
        rule = getattr(self, f"_{error.validator}", None)
        if rule is None:
            return f"valeur non conforme ({error.validator})"
        return rule(error.validator_value, error.instance, error)

    def _required(self, expected: Any, value: Any, error: Any) -> str:
        return self.missing([k for k in expected if isinstance(value, dict) and k not in value])

    def _additionalProperties(self, expected: Any, value: Any, error: Any) -> str:
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed) if isinstance(value, dict) else []
        return f"champ « {short(extra[0]) if extra else '?'} » non prévu"

    def _type(self, expected: Any, value: Any, error: Any) -> str:
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " ou ".join(TYPE_NAMES.get(str(k), str(k)) for k in kinds)
        return f"type attendu : {wanted} ({self.found(value)})"

    def _const(self, expected: Any, value: Any, error: Any) -> str:
        return f"valeur {self.quoted(value)} au lieu de {self.quoted(expected)}"

    def _enum(self, expected: Any, value: Any, error: Any) -> str:
        choices = f" (possibles : {', '.join(map(str, expected))})" if self.list_choices else ""
        return f"valeur {self.quoted(value)} non autorisée{choices}"

    def _minLength(self, expected: Any, value: Any, error: Any) -> str:
        return "texte vide"

    def _maxLength(self, expected: Any, value: Any, error: Any) -> str:
        return f"texte trop long ({len(value)} caractères, {expected} au plus)"

    def _pattern(self, expected: Any, value: Any, error: Any) -> str:
        return f"{self.pattern_hints.get(expected, 'format inattendu')} (trouvé : {self.quoted(value)})"

    def _minimum(self, expected: Any, value: Any, error: Any) -> str:
        return f"valeur {short(value)} trop petite ({expected} au moins)"

    def _maximum(self, expected: Any, value: Any, error: Any) -> str:
        return f"valeur {short(value)} trop grande ({expected} au plus)"

    def _minItems(self, expected: Any, value: Any, error: Any) -> str:
        return f"au moins {expected} élément(s) attendu(s)"

    def _maxItems(self, expected: Any, value: Any, error: Any) -> str:
        return f"trop d'éléments ({len(value)}, {expected} au plus)"

    def _uniqueItems(self, expected: Any, value: Any, error: Any) -> str:
        return "valeurs en double"


class TechnicalMessages(SchemaMessages):
    """For a JSON file edited by hand (a catalogue edition): values as Python writes them, so
    "3" and 3 differ at a glance; every missing field; no list of choices."""

    list_choices = False

    def quoted(self, value: Any) -> str:
        return repr(value)

    def found(self, value: Any) -> str:
        return f"valeur trouvée : {value!r}"

    def missing(self, names: list[str]) -> str:
        return f"champ obligatoire absent : « {', '.join(names)} »"
