"""The model convention: its data classes, JSON schema validation and loading."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pnae_desktop import paths
from pnae_desktop.domain.convention.placeholders import placeholders_in, text_problems
from pnae_desktop.errors import ValidationError

DEFAULT_TEMPLATE = "cpo-arml-2018"
SCHEMA_FILE = "convention.schema.json"
TEMPLATE_FOLDER = "convention"


class ConventionError(ValidationError):
    """A model or an adaptation that cannot be used; `field` is the article key concerned."""


@dataclass(frozen=True)
class ArticleModel:
    key: str
    title: str
    text: str
    optional: bool


@dataclass(frozen=True)
class PartyModel:
    key: str  # "state" | "region" | "arml"
    when: str  # "always" | "joint"
    text: str


@dataclass(frozen=True)
class SignatureModel:
    party: str
    when: str
    heading: str
    lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Annex:
    number: str  # "I"
    key: str
    title: str


@dataclass(frozen=True)
class ConventionTemplate:
    key: str
    label: str
    source: str
    title: tuple[str, ...]
    phrases: Mapping[str, Mapping[str, str]]  # key -> {"etat": ..., "conjointe": ...}
    parties_intro: str
    parties_joiner: str
    parties: tuple[PartyModel, ...]
    parties_closing: str
    preamble_title: str
    visas: tuple[str, ...]
    considerants: tuple[str, ...]
    preamble_closing: str
    articles: tuple[ArticleModel, ...]
    annexes: tuple[Annex, ...]
    signature_closing: str
    signature_blocks: tuple[SignatureModel, ...]
    administrative_courts: Mapping[str, str]

    def article(self, key: str) -> ArticleModel | None:
        return next((a for a in self.articles if a.key == key), None)

    @property
    def article_keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.articles)

    def texts(self) -> tuple[tuple[str, str], ...]:
        """(where, text) for every text of the model, for validation and tests."""
        out = [("title", line) for line in self.title]
        out += [("parties", p.text) for p in self.parties] + [("parties", self.parties_closing)]
        out += [("preamble", t) for t in self.visas + self.considerants]
        out += [(a.key, a.text) for a in self.articles]
        out += [(f"phrase:{k}", v) for k, variants in self.phrases.items() for v in variants.values()]
        out.append(("signature", self.signature_closing))
        for b in self.signature_blocks:
            out += [("signature", t) for t in (b.heading, *b.lines, b.name)]
        return tuple(out)


def _lines(value: str | list[str]) -> str:
    return "\n".join(value) if isinstance(value, list) else value


def _schema_validator() -> Any:  # a jsonschema validator (untyped library)
    import jsonschema  # only loading a model needs it

    folder = paths.resources().joinpath(TEMPLATE_FOLDER)
    schema = json.loads(folder.joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def template_from_data(data: dict[str, Any], name: str = "modèle") -> ConventionTemplate:
    """Validate `data` (schema, then placeholders) and build the template; French errors."""
    errors = sorted(_schema_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(racine)"
        raise ConventionError(
            f"Modèle de convention « {name} » : champ « {where} » non conforme au schéma : {errors[0].message}."
        )
    parties = data["parties"]
    template = ConventionTemplate(
        key=data["key"],
        label=data["label"],
        source=data["source"],
        title=tuple(data["title"]),
        phrases={k: dict(v) for k, v in data["phrases"].items()},
        parties_intro=parties["intro"],
        parties_joiner=parties["joiner"],
        parties=tuple(PartyModel(p["key"], p["when"], _lines(p["text"])) for p in parties["items"]),
        parties_closing=_lines(parties["closing"]),
        preamble_title=data["preamble"]["title"],
        visas=tuple(data["preamble"]["visas"]),
        considerants=tuple(data["preamble"]["considerants"]),
        preamble_closing=data["preamble"]["closing"],
        articles=tuple(ArticleModel(a["key"], a["title"], _lines(a["text"]), a["optional"]) for a in data["articles"]),
        annexes=tuple(Annex(a["number"], a["key"], a["title"]) for a in data["annexes"]),
        signature_closing=data["signature"]["closing"],
        signature_blocks=tuple(
            SignatureModel(b["party"], b["when"], b["heading"], tuple(b["lines"]), b["name"])
            for b in data["signature"]["blocks"]
        ),
        administrative_courts=dict(data["administrative_courts"]),
    )
    _check_template(template, name)
    return template


def _check_template(t: ConventionTemplate, name: str) -> None:
    keys = t.article_keys
    if len(set(keys)) != len(keys):
        raise ConventionError(f"Modèle de convention « {name} » : clé d'article en double.")
    for where, text in t.texts():
        problems = text_problems(text, t.phrases, keys)
        if where.startswith("phrase:"):
            problems += [f"{p.text} (interdit dans une formule)" for p in placeholders_in(text) if p.kind != "value"]
        if problems:
            raise ConventionError(
                f"Modèle de convention « {name} », partie « {where} » : " + " ; ".join(problems) + ".",
                where,
            )


@lru_cache(maxsize=8)
def load_template(key: str = DEFAULT_TEMPLATE) -> ConventionTemplate:
    """A model shipped under resources/convention/, validated; cached."""
    source = paths.resources().joinpath(TEMPLATE_FOLDER).joinpath(f"{key}.json")
    if not source.is_file():
        raise ConventionError(f"Le modèle de convention « {key} » n'est pas disponible.")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConventionError(f"Modèle de convention « {key} » illisible : {exc}.") from None
    return template_from_data(data, key)
