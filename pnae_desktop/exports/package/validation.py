"""Reading a member's JSON strictly (no duplicate key, no NaN) and validating it against the
package's JSON Schema, refusals said in French with the place of the value."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from typing import Any

from pnae_desktop import paths
from pnae_desktop.exports.package.places import place
from pnae_desktop.exports.package.spec import SCHEMA_FILE, PackageError
from pnae_desktop.schema_messages import SchemaMessages


@lru_cache(maxsize=1)
def package_schema() -> dict:
    """The package's JSON Schema, as shipped under resources/ (docs/ holds the same file)."""
    schema: dict = json.loads(paths.resources().joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return schema


@cache
def _validator(member: str) -> Any:
    import jsonschema  # only reading a package needs it

    def strict_integer(_checker: Any, instance: Any) -> bool:  # JSON 1.0 is not an integer here
        return isinstance(instance, int) and not isinstance(instance, bool)

    base = jsonschema.Draft202012Validator
    strict = jsonschema.validators.extend(base, type_checker=base.TYPE_CHECKER.redefine("integer", strict_integer))
    defs = package_schema()["$defs"]

    def inline(node: Any) -> Any:  # the schema's $refs resolved once: validation is then twice as fast
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return strict(inline(defs[member.removesuffix(".json")]))


# -- JSON ---------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"clé « {key[:40]} » en double")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
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


def parse_json(member: str, data: bytes) -> Any:
    """A member's document; PackageError (French, naming the line) when it is not strict JSON."""
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


# -- the schema ---------------------------------------------------------------------------------

_PATTERN_HINTS = {
    "money": "montant attendu sous la forme « 1234.56 » (positif, deux décimales, en texte)",
    "decimal": "nombre positif attendu sous la forme « 12 » ou « 33.33 » (deux décimales au plus, en texte)",
    "date": "date attendue sous la forme « AAAA-MM-JJ »",
    "uid": "identifiant attendu sous la forme d'un UUID en minuscules",
    "sha256": "empreinte SHA-256 attendue (64 caractères hexadécimaux en minuscules)",
    "edition_key": "clé d'édition du socle commun mal formée",
}


@lru_cache(maxsize=1)
def _messages() -> SchemaMessages:
    defs = package_schema()["$defs"]
    return SchemaMessages({defs[name]["pattern"]: hint for name, hint in _PATTERN_HINTS.items()})


def check_schema(member: str, document: Any) -> None:
    """The first schema error of the member, if any, as a PackageError naming its place."""
    error = next(iter(_validator(member).iter_errors(document)), None)
    if error is not None:
        raise PackageError(place(member, error.absolute_path, document), _messages().reason(error), member)
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
                raise PackageError(place(member, path, document), "caractère interdit dans le texte", member)
