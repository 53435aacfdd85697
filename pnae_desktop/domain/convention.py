"""The CPO (convention pluriannuelle d'objectifs) as data and its text engine.

The model convention lives in ``resources/convention/<key>.json`` (schema alongside). A
region adapts it through a ``ConventionState``: the model articles in order, each possibly with
an override text or title, removed (optional articles only), plus articles it added. Rendering
takes a ``ConventionContext`` (the values, all defined below) and returns blocks the UI and the
PDF lay out; ``check`` lists what must be fixed before export.

Placeholders, inside texts:

- ``{arml.name}``: a value (see ``VALUES`` for every name);
- ``{amount:state.total}``, ``{amount:region.2019}``: an amount in figures and in words;
  ``state``/``region``/any funder key, ``parties`` (the signing funders together) or ``cost``
  (the programme's cost), then ``total`` or a year;
- ``{ref:duree}``: "article 2", following the current numbering;
- ``{phrase:parties_definition}``: a sentence of the model, worded for a convention signed by
  the État alone or jointly with the Région;
- ``{table:cost_per_axis}``, ``{list:objectives}``: a block (see ``TABLES`` and ``LISTS``), alone
  on its line.

Braces around anything containing a space are plain text. A value missing from the context is
rendered "[à compléter : arml.siret]" and reported by ``check``; an unknown placeholder is refused
when a model or an override is loaded (``ConventionError``, in French).

Texts are lines: a blank line separates paragraphs, "- " starts a bullet, two spaces of indent per
level make a sub-bullet.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from pnae_desktop import paths
from pnae_desktop.domain.amount_words import (
    amount_with_words,
    format_amount,
    format_percent,
    number_in_words,
)
from pnae_desktop.domain.rules import siret_is_valid
from pnae_desktop.errors import ValidationError
from pnae_desktop.text import fold

DEFAULT_TEMPLATE = "cpo-arml-2018"
SCHEMA_FILE = "convention.schema.json"
TEMPLATE_FOLDER = "convention"


class ConventionError(ValidationError):
    """A model or an adaptation that cannot be used; `field` is the article key concerned."""


# --------------------------------------------------------------------------------------------
# The context: every value a convention quotes.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    name: str = ""  # "Mme Jeanne Martin"
    function: str = ""  # "présidente", "préfet de la région Île-de-France, préfet de Paris"


@dataclass(frozen=True)
class RegionInfo:
    code: str  # INSEE code, "11"
    name: str  # "Île-de-France"
    overseas: bool = False  # the État's service is then the Dieccte
    tribunal: str = ""  # empty: the model's court for the region's seat


@dataclass(frozen=True)
class ArmlInfo:
    name: str = ""  # "Association régionale des missions locales d'Île-de-France"
    legal_form: str = "association régie par la loi du 1er juillet 1901"
    address: str = ""  # "3 rue X, 75010 Paris"
    siret: str = ""
    project: str = ""  # its statutory project, one sentence, quoted in the préambule
    signatory: Signatory = field(default_factory=Signatory)


@dataclass(frozen=True)
class StateInfo:
    prefect: Signatory = field(default_factory=Signatory)  # the préfet de région
    signatory: Signatory = field(default_factory=Signatory)  # signs by delegation (Direccte)


@dataclass(frozen=True)
class CouncilInfo:
    """The Région when it signs the convention with the État."""

    name: str = ""  # "Région Île-de-France" (the model writes "la {council.name}")
    signatory: Signatory = field(default_factory=Signatory)
    deliberation: str = ""  # "n° CP 2018-123 de la commission permanente du 24 mai 2018"


@dataclass(frozen=True)
class Period:
    start_year: int
    end_year: int

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start_year, self.end_year + 1))


@dataclass(frozen=True)
class Objective:
    """One of the État's objectives (instruction DGEFP/SDPAE/2017/331), from the catalogue."""

    code: str  # "1.2"
    axis: int
    axis_title: str
    text: str  # rich text: first line, then "- " sub-items, then paragraphs


@dataclass(frozen=True)
class AxisCost:
    axis: int
    label: str  # short label for the table, "Axe 1 – Politiques publiques"
    amounts: Mapping[int, int]  # year -> cents


@dataclass(frozen=True)
class Funder:
    key: str  # "state", "region", or any other key ("fse", "departement_75")
    name: str  # "État", "Région Île-de-France"
    party: bool  # signs the convention (its contribution is committed by it)
    amounts: Mapping[int, int]  # year -> cents, from the budget


@dataclass(frozen=True)
class Instalment:
    label: str  # "Avance", "Solde"
    percent: int  # of the funder's amount for the year
    trigger: str  # "à la notification de la convention"


@dataclass(frozen=True)
class PaymentSchedule:
    funder: str  # Funder.key
    year: int
    instalments: tuple[Instalment, ...]


@dataclass(frozen=True)
class Steering:
    members: tuple[str, ...] = ()
    meetings_per_year: int = 2


@dataclass(frozen=True)
class SignatureInfo:
    place: str = ""
    date: date | None = None
    date_by_hand: bool = False  # leave "le ……" to be dated by hand
    copies: int | None = None  # None: one original per party


@dataclass(frozen=True)
class ConventionContext:
    region: RegionInfo
    period: Period  # the convention's period
    prae_period: Period  # the PRAE's period (the convention must cover it exactly)
    arml: ArmlInfo = field(default_factory=ArmlInfo)
    state: StateInfo = field(default_factory=StateInfo)
    council: CouncilInfo | None = None  # None: signed by the État alone
    prae_title: str = ""
    objectives: tuple[Objective, ...] = ()
    axis_costs: tuple[AxisCost, ...] = ()
    funders: tuple[Funder, ...] = ()
    payments: tuple[PaymentSchedule, ...] = ()
    steering: Steering = field(default_factory=Steering)
    signature: SignatureInfo = field(default_factory=SignatureInfo)

    @property
    def joint(self) -> bool:
        return self.council is not None

    def funder(self, key: str) -> Funder | None:
        return next((f for f in self.funders if f.key == key), None)


# --------------------------------------------------------------------------------------------
# Placeholders.
# --------------------------------------------------------------------------------------------

VALUES: dict[str, str] = {
    "region.name": "nom de la région",
    "region.tribunal": "tribunal administratif compétent",
    "state.service": "service régional de l'État (Direccte ou Dieccte)",
    "state.prefect.name": "nom du préfet de région",
    "state.prefect.function": "qualité du préfet de région",
    "state.signatory.name": "nom du signataire pour l'État",
    "state.signatory.function": "fonction du signataire pour l'État",
    "council.name": "dénomination de la Région",
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


def placeholder_problem(ph: Placeholder, phrases: Mapping, article_keys) -> str | None:
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


def text_problems(text: str, phrases: Mapping, article_keys) -> list[str]:
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


# --------------------------------------------------------------------------------------------
# The model convention.
# --------------------------------------------------------------------------------------------


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


def _lines(value) -> str:
    return "\n".join(value) if isinstance(value, list) else value


def _schema_validator():
    import jsonschema  # only loading a model needs it

    folder = paths.resources().joinpath(TEMPLATE_FOLDER)
    schema = json.loads(folder.joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def template_from_data(data: dict, name: str = "modèle") -> ConventionTemplate:
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


# --------------------------------------------------------------------------------------------
# A region's adaptation: the article states.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleState:
    key: str
    text: str | None = None  # None: the model's text (an added article always has one)
    title: str | None = None  # None: the model's title
    removed: bool = False  # only optional model articles
    custom: bool = False  # added by the region


@dataclass(frozen=True)
class ConventionState:
    template_key: str
    articles: tuple[ArticleState, ...]  # in order; numbering skips removed ones

    def article(self, key: str) -> ArticleState:
        for a in self.articles:
            if a.key == key:
                return a
        raise ConventionError(f"Article « {key} » introuvable dans la convention.", key)

    @property
    def kept(self) -> tuple[ArticleState, ...]:
        return tuple(a for a in self.articles if not a.removed)


def state_problem(state: ConventionState, template: ConventionTemplate) -> tuple[int | None, str] | None:
    """The first reason a whole convention state (read from a file, not built edit by edit) does
    not fit its model: (index of the article, or None for the list as a whole, French reason)."""
    keys = [a.key for a in state.articles]
    for i, a in enumerate(state.articles):
        if a.key in keys[:i]:
            return i, "clé d'article en double"
        model = template.article(a.key)
        if a.custom:
            if model is not None:
                return i, "un article ajouté ne peut pas reprendre la clé d'un article du modèle"
            if a.removed:
                return i, "un article ajouté ne peut pas être marqué supprimé"
            if a.text is None or not (a.title or "").strip():
                return i, "un article ajouté doit avoir un titre et un texte"
        else:
            if model is None:
                return i, f"article inconnu du modèle « {template.label} »"
            if a.removed and not model.optional:
                return i, "cet article du modèle est obligatoire : il ne peut pas être supprimé"
            if a.title is not None and not a.title.strip():
                return i, "un article doit avoir un titre"
        if a.text is not None:
            problems = text_problems(a.text, template.phrases, keys)
            if problems:
                return i, "variable(s) inconnue(s) ou mal placée(s) : " + " ; ".join(problems)
    missing = [k for k in template.article_keys if k not in keys]
    if missing:
        return None, f"article « {missing[0]} » du modèle absent"
    return None


def _template(state: ConventionState, template: ConventionTemplate | None) -> ConventionTemplate:
    return template if template is not None else load_template(state.template_key)


def initial_state(template: ConventionTemplate | None = None) -> ConventionState:
    t = template or load_template()
    return ConventionState(t.key, tuple(ArticleState(a.key) for a in t.articles))


def numbering(state: ConventionState) -> dict[str, int]:
    """Article key -> number (1..N) for the articles kept, in order."""
    return {a.key: i for i, a in enumerate(state.kept, start=1)}


def article_label(number: int) -> str:
    """ "article 1er", "article 2": how a convention cites its articles."""
    return "article 1er" if number == 1 else f"article {number}"


def article_title(state: ConventionState, key: str, template: ConventionTemplate | None = None) -> str:
    a = state.article(key)
    model = _template(state, template).article(key)
    return a.title if a.title is not None else (model.title if model else key)


def article_text(state: ConventionState, key: str, template: ConventionTemplate | None = None) -> str:
    """The text in force for `key` (override or model), placeholders unresolved: the editor's text."""
    a = state.article(key)
    if a.text is not None:
        return a.text
    model = _template(state, template).article(key)
    return model.text if model else ""


def _validate_text(state, template, key: str, title: str, text: str) -> None:
    keys = [a.key for a in state.articles]
    problems = text_problems(text, template.phrases, keys)
    if problems:
        raise ConventionError(f"Article « {title} » ({key}) : " + " ; ".join(problems) + ".", key)


def _replace_article(state: ConventionState, key: str, new: ArticleState | None) -> ConventionState:
    state.article(key)
    items = [new if a.key == key else a for a in state.articles]
    return replace(state, articles=tuple(a for a in items if a is not None))


def override_article(
    state: ConventionState,
    key: str,
    text: str | None,
    *,
    title: str | None = None,
    template: ConventionTemplate | None = None,
) -> ConventionState:
    """Adapt an article's text (and optionally its title). A text equal to the model's is stored
    as no override. Unknown placeholders are refused with a French message naming the article."""
    t = _template(state, template)
    current = state.article(key)
    model = t.article(key)
    new_title = title if title is not None else current.title
    if new_title is not None and not new_title.strip():
        raise ConventionError("Un article doit avoir un titre.", key)
    shown_title = new_title or (model.title if model else key)
    if text is not None:
        _validate_text(state, t, key, shown_title, text)
        if model is not None and text == model.text:
            text = None
    if model is not None and new_title == model.title:
        new_title = None
    if current.custom and text is None:
        text = current.text
    return _replace_article(state, key, replace(current, text=text, title=new_title))


def restore_article(state: ConventionState, key: str) -> ConventionState:
    """Back to the model's text and title (override None)."""
    current = state.article(key)
    if current.custom:
        raise ConventionError(
            f"L'article « {current.title} » a été ajouté : il n'a pas de texte modèle à rétablir.",
            key,
        )
    return _replace_article(state, key, replace(current, text=None, title=None))


def remove_article(state: ConventionState, key: str, template: ConventionTemplate | None = None) -> ConventionState:
    """Remove an optional model article (kept in the state, flagged) or delete an added one."""
    current = state.article(key)
    if current.custom:
        return _replace_article(state, key, None)
    model = _template(state, template).article(key)
    if model is not None and not model.optional:
        raise ConventionError(
            f"L'article « {model.title} » est obligatoire : il ne peut pas être supprimé de la convention.",
            key,
        )
    return _replace_article(state, key, replace(current, removed=True))


def reinstate_article(state: ConventionState, key: str) -> ConventionState:
    return _replace_article(state, key, replace(state.article(key), removed=False))


def _index_for_number(state: ConventionState, number: int | None) -> int:
    """Index in `state.articles` where an article must go to get `number` (1-based)."""
    kept = state.kept
    if number is None or number > len(kept):
        return len(state.articles)
    target = kept[max(number, 1) - 1]
    return state.articles.index(target)


def add_article(
    state: ConventionState,
    title: str,
    text: str,
    number: int | None = None,
    *,
    key: str | None = None,
    template: ConventionTemplate | None = None,
) -> ConventionState:
    """Add a region's own article so that it gets `number` (None: at the end)."""
    t = _template(state, template)
    if not title.strip():
        raise ConventionError("Un article ajouté doit avoir un titre.")
    taken = {a.key for a in state.articles} | set(t.article_keys)
    if key is None:
        n = 1
        while f"perso_{n}" in taken:
            n += 1
        key = f"perso_{n}"
    elif not _KEY.match(key) or key in taken:
        raise ConventionError(f"Clé d'article « {key} » invalide ou déjà utilisée.", key)
    article = ArticleState(key, text=text, title=title.strip(), custom=True)
    probe = replace(state, articles=state.articles + (article,))
    _validate_text(probe, t, key, article.title, text)
    items = list(state.articles)
    items.insert(_index_for_number(state, number), article)
    return replace(state, articles=tuple(items))


def move_article(state: ConventionState, key: str, number: int) -> ConventionState:
    """Move an article so that it gets `number`."""
    article = state.article(key)
    rest = replace(state, articles=tuple(a for a in state.articles if a.key != key))
    items = list(rest.articles)
    items.insert(_index_for_number(rest, number), article)
    return replace(state, articles=tuple(items))


def state_to_dict(state: ConventionState) -> dict:
    """A JSON-ready form for the store."""
    return {
        "template": state.template_key,
        "articles": [
            {k: v for k, v in vars(a).items() if v not in (None, False) or k == "key"} for a in state.articles
        ],
    }


def state_from_dict(data: dict) -> ConventionState:
    return ConventionState(
        data["template"],
        tuple(
            ArticleState(
                a["key"],
                a.get("text"),
                a.get("title"),
                bool(a.get("removed")),
                bool(a.get("custom")),
            )
            for a in data["articles"]
        ),
    )


# --------------------------------------------------------------------------------------------
# Rendered output: blocks.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class ListItem:
    text: str
    children: tuple[ListItem, ...] = ()
    after: tuple[str, ...] = ()  # paragraphs that follow the children, inside the item


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    source: str | None = None  # the {list:…} name that produced it, None when typed
    kind: str = "bullets"


@dataclass(frozen=True)
class Table:
    source: str  # the {table:…} name
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # per column: figures, to align right
    total_row: bool  # the last row is a total (bold)
    kind: str = "table"


Block = Paragraph | BulletList | Table


@dataclass(frozen=True)
class RenderedArticle:
    number: int
    key: str
    title: str
    blocks: tuple[Block, ...]
    adapted: bool  # text or title differs from the model, or added by the region
    custom: bool
    optional: bool

    @property
    def heading(self) -> str:
        label = article_label(self.number)
        return f"{label[0].upper()}{label[1:]} – {self.title}"

    @property
    def text(self) -> str:
        """The final text, one block per line (tables as tab-separated rows)."""
        return "\n".join(_block_text(b) for b in self.blocks)


@dataclass(frozen=True)
class RenderedSignature:
    party: str
    heading: str
    lines: tuple[str, ...]
    name: str


@dataclass(frozen=True)
class Unresolved:
    name: str  # "arml.siret", "amount:region.2019", "table:payment_schedule"
    where: str  # article key, or "title" | "parties" | "preamble" | "signature"


@dataclass(frozen=True)
class TextProblem:
    code: str  # "unknown_placeholder" | "removed_reference"
    where: str
    detail: str  # the placeholder as typed


@dataclass(frozen=True)
class RenderedConvention:
    template_key: str
    joint: bool
    title: tuple[str, ...]
    parties: tuple[Block, ...]  # "Entre", party, "et", party…, then the definitions
    preamble_title: str
    preamble: tuple[Block, ...]
    articles: tuple[RenderedArticle, ...]
    annexes: tuple[Annex, ...]
    signature_closing: str
    signatures: tuple[RenderedSignature, ...]
    unresolved: tuple[Unresolved, ...]
    problems: tuple[TextProblem, ...]

    def plain_text(self) -> str:
        """The whole text, one block per line: what the fingerprint covers."""
        out = list(self.title) + [_block_text(b) for b in self.parties]
        out += [self.preamble_title] + [_block_text(b) for b in self.preamble]
        for a in self.articles:
            out.append(a.heading)
            out += [_block_text(b) for b in a.blocks]
        out.append(self.signature_closing)
        for s in self.signatures:
            out += [s.heading, *s.lines, s.name]
        return "\n".join(out)

    def fingerprint(self) -> str:
        """SHA-256 of the text: the same on every page, so all signatories sign the same version."""
        return hashlib.sha256(self.plain_text().encode("utf-8")).hexdigest()


def _item_text(item: ListItem, depth: int = 0) -> str:
    lines = ["  " * depth + "- " + item.text]
    lines += [_item_text(c, depth + 1) for c in item.children]
    lines += ["  " * (depth + 1) + p for p in item.after]
    return "\n".join(lines)


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(_item_text(i) for i in block.items)
    return "\n".join(" | ".join(row) for row in (block.header, *block.rows))


# --------------------------------------------------------------------------------------------
# Parsing texts into raw blocks (placeholders still in).
# --------------------------------------------------------------------------------------------


@dataclass
class _RawItem:
    text: str
    children: list[_RawItem] = field(default_factory=list)


def _parse(text: str) -> list:
    """Raw blocks: ("paragraph", str) | ("bullets", [_RawItem]) | ("block", Placeholder)."""
    blocks: list = []
    current = None  # the open paragraph or bullet list
    stack: list[tuple[int, _RawItem]] = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            current = None
            continue
        line = raw.strip()
        indent = (len(raw) - len(raw.lstrip(" "))) // 2
        found = placeholders_in(line)
        if len(found) == 1 and found[0].kind in BLOCK_KINDS and line == found[0].text:
            blocks.append(("block", found[0]))
            current = None
            continue
        if line.startswith("- "):
            item = _RawItem(line[2:].strip())
            if current is None or current[0] != "bullets":
                current = ("bullets", [])
                blocks.append(current)
                stack = []
            while stack and stack[-1][0] >= indent:
                stack.pop()
            (stack[-1][1].children if stack else current[1]).append(item)
            stack.append((indent, item))
            continue
        if current is not None and current[0] == "paragraph":
            current[1].append(line)
        elif current is not None and current[0] == "bullets" and indent > 0 and stack:
            stack[-1][1].text += " " + line
        else:
            current = ("paragraph", [line])
            blocks.append(current)
    return [(kind, " ".join(v) if kind == "paragraph" else v) for kind, v in blocks]


# --------------------------------------------------------------------------------------------
# Rendering.
# --------------------------------------------------------------------------------------------

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
HAND_DATE = "……………………"


def french_date(d: date) -> str:
    """ "1er mars 2018", "28 novembre 2017"."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[d.month - 1]} {d.year}"


def state_service(overseas: bool) -> str:
    return "Dieccte" if overseas else "Direccte"


def _values(ctx: ConventionContext, template: ConventionTemplate, party_count: int) -> dict[str, str]:
    """Every value placeholder the context fills; a missing one is absent."""
    council = ctx.council or CouncilInfo()
    sig = ctx.signature
    years = ctx.period.end_year - ctx.period.start_year + 1
    values = {
        "region.name": ctx.region.name,
        "region.tribunal": ctx.region.tribunal or template.administrative_courts.get(ctx.region.code, ""),
        "state.service": state_service(ctx.region.overseas),
        "state.prefect.name": ctx.state.prefect.name,
        "state.prefect.function": ctx.state.prefect.function,
        "state.signatory.name": ctx.state.signatory.name,
        "state.signatory.function": ctx.state.signatory.function,
        "council.name": council.name,
        "council.signatory.name": council.signatory.name,
        "council.signatory.function": council.signatory.function,
        "council.deliberation": council.deliberation,
        "arml.name": ctx.arml.name,
        "arml.legal_form": ctx.arml.legal_form,
        "arml.address": ctx.arml.address,
        "arml.siret": ctx.arml.siret,
        "arml.project": ctx.arml.project,
        "arml.signatory.name": ctx.arml.signatory.name,
        "arml.signatory.function": ctx.arml.signatory.function,
        "prae.title": ctx.prae_title,
        "period.start": str(ctx.period.start_year),
        "period.end": str(ctx.period.end_year),
        "period.duration": (f"{number_in_words(years)} an{'s' if years > 1 else ''}" if years >= 1 else ""),
        "steering.meetings": (
            f"{number_in_words(ctx.steering.meetings_per_year, feminine=True)} fois"
            if ctx.steering.meetings_per_year >= 1
            else ""
        ),
        "signature.place": sig.place,
        "signature.date": french_date(sig.date) if sig.date else (HAND_DATE if sig.date_by_hand else ""),
        "signature.copies_words": number_in_words(sig.copies or party_count) if (sig.copies or party_count) else "",
    }
    return {k: v.strip() for k, v in values.items() if v and v.strip()}


def _year_amount(amounts: Mapping[int, int], year: int) -> int:
    return int(amounts.get(year, 0))


def amount_value(ctx: ConventionContext, arg: str) -> int | None:
    """Cents for an amount placeholder's argument ("state.total", "cost.2019"), None if unknown."""
    m = _AMOUNT_ARG.match(arg)
    if not m:
        return None
    who, when = m.groups()
    years = ctx.period.years if when == "total" else (int(when),)
    if any(y not in ctx.period.years for y in years):
        return None
    if who == "cost":
        series = [a.amounts for a in ctx.axis_costs]
    elif who == "parties":
        series = [f.amounts for f in ctx.funders if f.party]
    else:
        funder = ctx.funder(who)
        series = [funder.amounts] if funder else []
    if not series:
        return None
    return sum(_year_amount(s, y) for s in series for y in years)


def instalment_amounts(cents: int, instalments: tuple[Instalment, ...]) -> tuple[int, ...]:
    """Split `cents` by percentages so that the parts add up exactly (rounding goes to the last)."""
    out, cumulative, previous = [], 0, 0
    for inst in instalments:
        cumulative += inst.percent
        upto = cents * cumulative // 100
        out.append(upto - previous)
        previous = upto
    return tuple(out)


def _share_tenths(part: int, whole: int) -> int:
    """Percentage in tenths, rounded half up, integers only."""
    return (2000 * part + whole) // (2 * whole)


class _Renderer:
    def __init__(self, state: ConventionState, ctx: ConventionContext, template: ConventionTemplate):
        self.state, self.ctx, self.t = state, ctx, template
        self.numbers = numbering(state)
        self.all_keys = {a.key for a in state.articles}
        self.parties = [p for p in template.parties if p.when == "always" or ctx.joint]
        self.values = _values(ctx, template, len(self.parties))
        self.variant = "conjointe" if ctx.joint else "etat"
        self.unresolved: list[Unresolved] = []
        self.problems: list[TextProblem] = []

    # inline -----------------------------------------------------------------------------
    def missing(self, name: str, where: str) -> str:
        self.unresolved.append(Unresolved(name, where))
        return f"[à compléter : {name}]"

    def inline(self, text: str, where: str) -> str:
        return _CANDIDATE.sub(lambda m: self._one(placeholders_in(m.group(0))[0], where), text)

    def _one(self, ph: Placeholder, where: str) -> str:
        if placeholder_problem(ph, self.t.phrases, self.all_keys) or ph.kind in BLOCK_KINDS:
            self.problems.append(TextProblem("unknown_placeholder", where, ph.text))
            return f"[variable inconnue : {ph.raw}]"
        if ph.kind == "value":
            value = self.values.get(ph.arg)
            return value if value is not None else self.missing(ph.arg, where)
        if ph.kind == "amount":
            cents = amount_value(self.ctx, ph.arg)
            return amount_with_words(cents) if cents is not None else self.missing(ph.raw, where)
        if ph.kind == "ref":
            number = self.numbers.get(ph.arg)
            if number is None:
                self.problems.append(TextProblem("removed_reference", where, ph.arg))
                return f"[article supprimé : {ph.arg}]"
            return article_label(number)
        return self.inline(self.t.phrases[ph.arg][self.variant], where)  # phrase

    # blocks -----------------------------------------------------------------------------
    def blocks(self, text: str, where: str) -> tuple[Block, ...]:
        out: list[Block] = []
        for kind, value in _parse(text):
            if kind == "paragraph":
                out.append(Paragraph(self.inline(value, where)))
            elif kind == "bullets":
                out.append(BulletList(tuple(self._item(i, where) for i in value)))
            else:
                out.append(self._block(value, where))
        return tuple(out)

    def _item(self, item: _RawItem, where: str) -> ListItem:
        return ListItem(self.inline(item.text, where), tuple(self._item(c, where) for c in item.children))

    def _block(self, ph: Placeholder, where: str) -> Block:
        if placeholder_problem(ph, self.t.phrases, self.all_keys):
            self.problems.append(TextProblem("unknown_placeholder", where, ph.text))
            return Paragraph(f"[variable inconnue : {ph.raw}]")
        build = getattr(self, f"_{ph.kind}_{ph.arg}")
        block = build()
        if block is None:
            return Paragraph(self.missing(ph.raw, where))
        return block

    def _money(self, amounts: Mapping[int, int]) -> list[str]:
        years = self.ctx.period.years
        return [format_amount(_year_amount(amounts, y)) for y in years] + [
            format_amount(sum(_year_amount(amounts, y) for y in years))
        ]

    def _table_cost_per_axis(self) -> Table | None:
        costs = self.ctx.axis_costs
        if not costs:
            return None
        years = self.ctx.period.years
        total = {y: sum(_year_amount(a.amounts, y) for a in costs) for y in years}
        rows = [(a.label or f"Axe {a.axis}", *self._money(a.amounts)) for a in costs]
        rows.append(("Total", *self._money(total)))
        header = ("Axe", *map(str, years), "Total")
        return Table("cost_per_axis", header, tuple(rows), (False,) + (True,) * (len(header) - 1), True)

    def _table_contributions(self) -> Table | None:
        funders = self.ctx.funders
        if not funders:
            return None
        years = self.ctx.period.years
        cost = amount_value(self.ctx, "cost.total") or 0
        every = {y: sum(_year_amount(f.amounts, y) for f in funders) for y in years}

        def share(amounts):
            part = sum(_year_amount(amounts, y) for y in years)
            return format_percent(_share_tenths(part, cost)) if cost else "–"

        rows = [(f.name, *self._money(f.amounts), share(f.amounts)) for f in funders]
        rows.append(("Total des financements", *self._money(every), share(every)))
        header = ("Financeur", *map(str, years), "Total", "Part du coût total")
        return Table("contributions", header, tuple(rows), (False,) + (True,) * (len(header) - 1), True)

    def _table_payment_schedule(self) -> Table | None:
        order = {f.key: i for i, f in enumerate(self.ctx.funders)}
        schedules = sorted(
            (s for s in self.ctx.payments if self.ctx.funder(s.funder) is not None),
            key=lambda s: (s.year, order[s.funder]),
        )
        if not schedules:
            return None
        rows = []
        for s in schedules:
            funder = self.ctx.funder(s.funder)
            amounts = instalment_amounts(_year_amount(funder.amounts, s.year), s.instalments)
            for inst, cents in zip(s.instalments, amounts):
                rows.append(
                    (
                        str(s.year),
                        funder.name,
                        inst.label,
                        f"{inst.percent}\u00a0%",
                        format_amount(cents),
                        inst.trigger,
                    )
                )
        header = ("Année", "Financeur", "Versement", "Part", "Montant", "Condition de versement")
        return Table("payment_schedule", header, tuple(rows), (False, False, False, True, True, False), False)

    def _list_objectives(self) -> BulletList | None:
        if not self.ctx.objectives:
            return None
        axes: dict[int, list[Objective]] = {}
        for o in self.ctx.objectives:
            axes.setdefault(o.axis, []).append(o)
        items = []
        for axis, objectives in axes.items():
            alone = len(objectives) == 1 and objectives[0].code == str(axis)
            children = () if alone else tuple(_objective_item(o) for o in objectives)
            items.append(ListItem(f"Axe {axis} : {objectives[0].axis_title}", children))
        return BulletList(tuple(items), "objectives")

    def _list_contributions(self) -> BulletList | None:
        parties = [f for f in self.ctx.funders if f.party]
        if not parties:
            return None
        years = self.ctx.period.years
        items = []
        for f in parties:
            total = sum(_year_amount(f.amounts, y) for y in years)
            last = f is parties[-1]
            children = tuple(
                ListItem(
                    f"en {y} : {amount_with_words(_year_amount(f.amounts, y))}{'.' if last and y == years[-1] else ' ;'}"
                )
                for y in years
            )
            items.append(ListItem(f"{f.name} : {amount_with_words(total)}, soit :", children))
        return BulletList(tuple(items), "contributions")

    def _list_steering_committee(self) -> BulletList | None:
        members = [m.strip() for m in self.ctx.steering.members if m.strip()]
        return BulletList(tuple(ListItem(m) for m in members), "steering_committee") if members else None

    def _list_annexes(self) -> BulletList | None:
        items = tuple(ListItem(f"Annexe {a.number} : {a.title}") for a in self.t.annexes)
        return BulletList(items, "annexes") if items else None

    # whole document ------------------------------------------------------------------------
    def render(self) -> RenderedConvention:
        t = self.t
        title = tuple(self.inline(line, "title") for line in t.title)
        parties: list[Block] = [Paragraph(t.parties_intro)]
        for i, p in enumerate(self.parties):
            if i:
                parties.append(Paragraph(t.parties_joiner))
            parties += self.blocks(p.text, "parties")
        parties += self.blocks(t.parties_closing, "parties")
        preamble = [Paragraph(self.inline(v, "preamble")) for v in t.visas + t.considerants]
        preamble.append(Paragraph(t.preamble_closing))
        articles = []
        for a in self.state.kept:
            model = t.article(a.key)
            text = a.text if a.text is not None else (model.text if model else "")
            articles.append(
                RenderedArticle(
                    number=self.numbers[a.key],
                    key=a.key,
                    title=a.title if a.title is not None else (model.title if model else a.key),
                    blocks=self.blocks(text, a.key),
                    adapted=a.custom or a.text is not None or a.title is not None,
                    custom=a.custom,
                    optional=a.custom or (model.optional if model else True),
                )
            )
        signatures = tuple(
            RenderedSignature(
                b.party,
                self.inline(b.heading, "signature"),
                tuple(_capitalised(self.inline(line, "signature")) for line in b.lines),
                self.inline(b.name, "signature"),
            )
            for b in t.signature_blocks
            if b.when == "always" or self.ctx.joint
        )
        closing = self.inline(t.signature_closing, "signature")
        return RenderedConvention(
            template_key=t.key,
            joint=self.ctx.joint,
            title=title,
            parties=tuple(parties),
            preamble_title=t.preamble_title,
            preamble=tuple(preamble),
            articles=tuple(articles),
            annexes=t.annexes,
            signature_closing=closing,
            signatures=signatures,
            unresolved=tuple(dict.fromkeys(self.unresolved)),
            problems=tuple(dict.fromkeys(self.problems)),
        )


def _capitalised(text: str) -> str:
    """A signature block's lines start with a capital: "Préfet de la région …"."""
    return text[:1].upper() + text[1:]


def _objective_item(o: Objective) -> ListItem:
    """ "Objectif 1.2 : …" with the objective's own sub-items and closing paragraphs."""
    paragraphs = [p.strip() for p in o.text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    first = paragraphs[0].split("\n") if paragraphs else [""]
    head = [line for line in first if not line.startswith("- ")]
    subs = tuple(ListItem(line[2:].strip()) for line in first if line.startswith("- "))
    return ListItem(f"Objectif {o.code} : {' '.join(head).strip()}", subs, tuple(paragraphs[1:]))


def render(
    state: ConventionState, context: ConventionContext, template: ConventionTemplate | None = None
) -> RenderedConvention:
    """The convention's text for `context`; never raises for a missing value (see `check`)."""
    return _Renderer(state, context, _template(state, template)).render()


# --------------------------------------------------------------------------------------------
# Comparing an override with the model.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal" | "insert" | "delete"
    text: str


def diff(model_text: str, override_text: str) -> tuple[DiffPart, ...]:
    """Word-level differences from the model to the override, adjacent parts merged."""
    a = re.findall(r"\s+|[^\s]+", model_text or "")
    b = re.findall(r"\s+|[^\s]+", override_text or "")
    raw: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
        else:
            raw += [("delete", "".join(a[i1:i2])), ("insert", "".join(b[j1:j2]))]
    raw = [(op, text) for op, text in raw if text]

    parts: list[DiffPart] = []
    pending = {"delete": "", "insert": ""}

    def flush() -> None:
        for op in ("delete", "insert"):
            if pending[op]:
                parts.append(DiffPart(op, pending[op]))
            pending[op] = ""

    for i, (op, text) in enumerate(raw):
        if op != "equal":
            pending[op] += text
            continue
        # "[-prend-] [-effet-]" reads better as "[-prend effet-]": a lone space between two
        # replacements joins them, on both sides so that each text is still rebuilt exactly.
        between = i + 1 < len(raw) and raw[i + 1][0] != "equal"
        if text.isspace() and pending["delete"] and pending["insert"] and between:
            pending["delete"] += text
            pending["insert"] += text
            continue
        flush()
        parts.append(DiffPart("equal", text))
    flush()
    return tuple(parts)


def diff_text(model_text: str, override_text: str) -> str:
    """The differences in one readable line: "[-supprimé-]{+ajouté+}"."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[p.op].format(p.text) for p in diff(model_text, override_text))


# --------------------------------------------------------------------------------------------
# Checks before export.
# --------------------------------------------------------------------------------------------

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # ERROR blocks the export, WARNING does not
    message: str  # French
    location: str  # where to jump: an article key, or a context field ("arml.siret", "period")
    article: str | None = None  # the article (or section) showing it, when location is a field


_SECTIONS = {
    "title": "le titre",
    "parties": "la désignation des parties",
    "preamble": "le préambule",
    "signature": "le bloc de signature",
}
# "61 200 €", "61 200,00 euros", "61.200 EUR", "1500€"
_TYPED_AMOUNT = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(\d{1,2}))?\s?(?:€|euros?\b|EUR\b)",
    re.IGNORECASE,
)


def typed_amounts(text: str) -> tuple[tuple[str, int], ...]:
    """Euro amounts written in figures in `text`: (as typed, cents)."""
    found = []
    for m in _TYPED_AMOUNT.finditer(_CANDIDATE.sub(" ", text or "")):
        whole = int(re.sub(r"\D", "", m.group(1)))
        cents = int((m.group(2) or "0").ljust(2, "0"))
        found.append((m.group(0).strip(), whole * 100 + cents))
    return tuple(found)


def budget_figures(ctx: ConventionContext) -> set[int]:
    """Every amount the budget gives: per funder, per axis, per year, totals, instalments."""
    years = ctx.period.years
    series = [f.amounts for f in ctx.funders] + [a.amounts for a in ctx.axis_costs]
    figures = set()
    for s in series:
        figures.update(_year_amount(s, y) for y in years)
        figures.add(sum(_year_amount(s, y) for y in years))
    for who in ("cost", "parties"):
        for when in ("total", *map(str, years)):
            value = amount_value(ctx, f"{who}.{when}")
            if value is not None:
                figures.add(value)
    for s in ctx.payments:
        funder = ctx.funder(s.funder)
        if funder:
            figures.update(instalment_amounts(_year_amount(funder.amounts, s.year), s.instalments))
    return figures


class _Checker:
    def __init__(self, state, ctx, template, rendered: RenderedConvention):
        self.state, self.ctx, self.t, self.r = state, ctx, template, rendered
        self.articles = {a.key: a for a in rendered.articles}
        self.out: list[Check] = []

    def add(self, code, severity, message, location, article=None):
        self.out.append(Check(code, severity, message, location, article))

    def where(self, key: str) -> str:
        if key in _SECTIONS:
            return _SECTIONS[key]
        a = self.articles.get(key)
        return f"l'{article_label(a.number)} « {a.title} »" if a else f"l'article « {key} »"

    def run(self) -> list[Check]:
        self.signatories()
        self.siret()
        self.period()
        self.budget()
        self.payments()
        self.steering()
        self.signature_date()
        self.articles_text()
        self.typed_amounts()
        self.unresolved()
        return self.out

    def signatories(self) -> None:
        people = [
            ("state.signatory", "le signataire pour l'État", self.ctx.state.signatory),
            ("state.prefect", "le préfet de région", self.ctx.state.prefect),
            ("arml.signatory", "le signataire pour l'association", self.ctx.arml.signatory),
        ]
        if self.ctx.council is not None:
            people.append(("council.signatory", "le signataire pour la Région", self.ctx.council.signatory))
        for prefix, label, person in people:
            if not person.name.strip():
                self.add("signatory_missing", ERROR, f"Nommez {label}.", f"{prefix}.name", "signature")
            if not person.function.strip():
                self.add(
                    "signatory_missing",
                    ERROR,
                    f"Indiquez la fonction de {label}.",
                    f"{prefix}.function",
                    "signature",
                )

    def siret(self) -> None:
        siret = self.ctx.arml.siret.strip()
        if siret and not siret_is_valid(siret):
            self.add(
                "siret_invalid",
                ERROR,
                f"Le numéro SIRET « {siret} » de l'association est invalide : 14 chiffres attendus, "
                "avec une clé de contrôle correcte.",
                "arml.siret",
                "parties",
            )

    def period(self) -> None:
        p, q = self.ctx.period, self.ctx.prae_period
        if (p.start_year, p.end_year) != (q.start_year, q.end_year):
            self.add(
                "period_mismatch",
                ERROR,
                f"La convention couvre {p.start_year}-{p.end_year} alors que le PRAE couvre "
                f"{q.start_year}-{q.end_year} : les deux périodes doivent être identiques.",
                "period",
                "duree",
            )

    def budget(self) -> None:
        ctx, years = self.ctx, self.ctx.period.years
        for f in ctx.funders:
            outside = sorted(y for y, v in f.amounts.items() if y not in years and v)
            if outside:
                self.add(
                    "amount_outside_period",
                    ERROR,
                    f"Le budget prévoit un financement de {f.name} en {', '.join(map(str, outside))}, "
                    "hors de la période de la convention.",
                    f"budget.{f.key}",
                    "contribution",
                )
        signing = {"state", "region"} if ctx.joint else {"state"}
        for f in ctx.funders:
            if f.party and f.key not in signing:
                self.add(
                    "funder_not_signatory",
                    ERROR,
                    f"{f.name} est indiqué comme financeur signataire mais ne signe pas la convention.",
                    f"budget.{f.key}",
                    "contribution",
                )
        state = ctx.funder("state")
        if state is None:
            self.add(
                "state_amount_missing",
                ERROR,
                "Le budget ne prévoit aucun financement de l'État.",
                "budget.state",
                "contribution",
            )
        if ctx.joint and not any(f.party and f.key != "state" for f in ctx.funders):
            self.add(
                "region_amount_missing",
                WARNING,
                "La Région signe la convention mais le budget ne prévoit aucune contribution de sa part.",
                "budget.region",
                "contribution",
            )
        if not ctx.axis_costs:
            return  # reported as an unresolved table
        for y in years:
            cost = amount_value(ctx, f"cost.{y}") or 0
            resources = sum(_year_amount(f.amounts, y) for f in ctx.funders)
            if ctx.funders and resources != cost:
                self.add(
                    "budget_unbalanced",
                    ERROR,
                    f"Budget {y} déséquilibré : coût du programme {format_amount(cost)}, "
                    f"financements {format_amount(resources)}.",
                    f"budget.{y}",
                    "contribution",
                )
            if state is not None and _year_amount(state.amounts, y) <= 0:
                self.add(
                    "state_amount_missing",
                    ERROR,
                    f"Aucune contribution de l'État n'est prévue pour {y}.",
                    f"budget.state.{y}",
                    "contribution",
                )
            for f in ctx.funders:
                if f.party and _year_amount(f.amounts, y) > cost:
                    self.add(
                        "contribution_exceeds_cost",
                        ERROR,
                        f"La contribution de {f.name} en {y} ({format_amount(_year_amount(f.amounts, y))}) "
                        f"dépasse le coût du programme ({format_amount(cost)}).",
                        f"budget.{f.key}.{y}",
                        "contribution",
                    )

    def payments(self) -> None:
        ctx = self.ctx
        by_key = {}
        for s in ctx.payments:
            by_key.setdefault((s.funder, s.year), []).append(s)
        for f in ctx.funders:
            if not f.party:
                continue
            for y in ctx.period.years:
                location = f"payments.{f.key}.{y}"
                found = by_key.get((f.key, y), [])
                if _year_amount(f.amounts, y) > 0 and not found:
                    self.add(
                        "payment_schedule",
                        ERROR,
                        f"Échéancier de versement manquant : {f.name}, {y}.",
                        location,
                        "versement",
                    )
                for s in found:
                    total = sum(i.percent for i in s.instalments)
                    if total != 100:
                        self.add(
                            "payment_schedule",
                            ERROR,
                            f"Échéancier de versement {f.name} {y} : les versements totalisent {total} % "
                            "au lieu de 100 %.",
                            location,
                            "versement",
                        )
                    if any(i.percent <= 0 or i.percent > 100 for i in s.instalments):
                        self.add(
                            "payment_schedule",
                            ERROR,
                            f"Échéancier de versement {f.name} {y} : chaque part doit être comprise entre 1 et 100 %.",
                            location,
                            "versement",
                        )
                    if any(not i.trigger.strip() or not i.label.strip() for i in s.instalments):
                        self.add(
                            "payment_schedule",
                            ERROR,
                            f"Échéancier de versement {f.name} {y} : précisez pour chaque versement son "
                            "libellé et la pièce ou la condition qui le déclenche.",
                            location,
                            "versement",
                        )
        parties = {f.key for f in ctx.funders if f.party}
        for key, year in by_key:
            if key not in parties or year not in ctx.period.years:
                self.add(
                    "payment_schedule",
                    WARNING,
                    f"Échéancier de versement « {key} » {year} sans objet : ce financeur ne signe pas la "
                    "convention ou l'année est hors période.",
                    f"payments.{key}.{year}",
                    "versement",
                )

    def steering(self) -> None:
        members = [m for m in self.ctx.steering.members if m.strip()]
        if "comite_pilotage" not in self.articles:
            return
        if not members:
            self.add(
                "steering_empty",
                ERROR,
                "Le comité de pilotage régional n'a aucun membre.",
                "steering.members",
                "comite_pilotage",
            )
            return
        if self.ctx.steering.meetings_per_year < 1:
            self.add(
                "steering_meetings",
                ERROR,
                "Le comité de pilotage doit se réunir au moins une fois par an.",
                "steering.meetings",
                "comite_pilotage",
            )
        folded = [fold(m) for m in members]
        state_words = ("etat", "prefet", "direccte", "dieccte")
        others = [m for m in folded if not any(w in m for w in state_words)]
        for f in self.ctx.funders:
            # the préfet "de la région …" represents the État, not the Région: match the others
            words = state_words if f.key == "state" else (fold(f.name),)
            if f.key == "region":
                words += (
                    "region",
                    "conseil regional",
                    fold(self.ctx.council.name if self.ctx.council else f.name),
                )
            if not any(w in m for w in words for m in (folded if f.key == "state" else others)):
                self.add(
                    "steering_missing_funder",
                    WARNING,
                    f"{f.name} finance le programme mais ne figure pas au comité de pilotage, "
                    "qui doit réunir tous les financeurs.",
                    "steering.members",
                    "comite_pilotage",
                )

    def signature_date(self) -> None:
        d, q = self.ctx.signature.date, self.ctx.prae_period
        if d is not None and not (q.start_year - 1 <= d.year <= q.end_year + 1):
            self.add(
                "signature_date",
                ERROR,
                f"Date de signature invraisemblable ({french_date(d)}) : elle doit se situer entre "
                f"{q.start_year - 1} et {q.end_year + 1}.",
                "signature.date",
                "signature",
            )
        copies = self.ctx.signature.copies
        if copies is not None and copies < len(self.r.signatures):
            self.add(
                "signature_copies",
                WARNING,
                f"{copies} exemplaire(s) original(aux) pour {len(self.r.signatures)} signataires.",
                "signature.copies",
                "signature",
            )

    def articles_text(self) -> None:
        present = {a.key for a in self.state.articles}
        for model in self.t.articles:
            if not model.optional and model.key not in present:
                self.add(
                    "missing_article",
                    ERROR,
                    f"L'article obligatoire « {model.title} » manque à la convention.",
                    model.key,
                )
        for a in self.r.articles:
            if not any(_block_text(b).strip() for b in a.blocks):
                self.add(
                    "empty_article",
                    ERROR,
                    f"L'{article_label(a.number)} « {a.title} » est vide.",
                    a.key,
                )
            if not a.title.strip():
                self.add(
                    "untitled_article",
                    ERROR,
                    f"L'{article_label(a.number)} n'a pas de titre.",
                    a.key,
                )
        for p in self.r.problems:
            if p.code == "removed_reference":
                target = self.t.article(p.detail)
                name = target.title if target else p.detail
                self.add(
                    "removed_reference",
                    ERROR,
                    f"{_capitalised(self.where(p.where))} renvoie à l'article « {name} », qui a été supprimé.",
                    p.where,
                )
            else:
                self.add(
                    "unknown_placeholder",
                    ERROR,
                    f"Variable inconnue {p.detail} dans {self.where(p.where)}.",
                    p.where,
                )

    def typed_amounts(self) -> None:
        figures = budget_figures(self.ctx)
        for a in self.state.kept:
            if a.text is None or a.key not in self.articles:
                continue
            for typed, cents in typed_amounts(a.text):
                if cents not in figures:
                    self.add(
                        "amount_mismatch",
                        ERROR,
                        f"{_capitalised(self.where(a.key))} cite un montant "
                        f"({typed}) qui ne correspond à aucun montant du budget : utilisez une variable "
                        "de montant, par exemple {amount:state.total}.",
                        a.key,
                    )

    def unresolved(self) -> None:
        """One check per field to fill, unless a more precise check already points at it."""
        reported = {c.location for c in self.out}
        by_field: dict[str, list[Unresolved]] = {}
        for u in self.r.unresolved:
            by_field.setdefault(unresolved_field(u.name), []).append(u)
        for location, found in by_field.items():
            if location in reported:
                continue
            name = found[0].name
            label = VALUES.get(name) or _block_label(name) or name
            places = ", ".join(dict.fromkeys(self.where(u.where) for u in found))
            self.add(
                "unresolved",
                ERROR,
                f"À compléter : {label} ({name}), dans {places}.",
                location,
                found[0].where,
            )


# Where the UI collects what a block placeholder shows.
_BLOCK_FIELDS = {
    "list:objectives": "objectives",
    "list:steering_committee": "steering.members",
    "list:contributions": "budget.funders",
    "table:contributions": "budget.funders",
    "table:cost_per_axis": "budget.axes",
    "table:payment_schedule": "payments",
}


def unresolved_field(name: str) -> str:
    """The context field to fill for an unresolved placeholder: "arml.siret" for a value,
    "budget.funders" for {table:contributions}, "budget" for an amount."""
    if name.startswith("amount:"):
        return "budget"
    return _BLOCK_FIELDS.get(name, name)


def _block_label(name: str) -> str | None:
    kind, _, arg = name.partition(":")
    if kind == "table":
        return TABLES.get(arg)
    if kind == "list":
        return LISTS.get(arg)
    if kind == "amount":
        return f"montant {arg}"
    return None


def check(
    state: ConventionState,
    context: ConventionContext,
    template: ConventionTemplate | None = None,
    *,
    rendered: RenderedConvention | None = None,
) -> list[Check]:
    """Everything to fix before the convention can be exported for signature.
    `rendered`: the convention already rendered from the same state, context and template
    (saves rendering it again)."""
    t = _template(state, template)
    if rendered is None:
        rendered = render(state, context, t)
    return _Checker(state, context, t, rendered).run()


# --------------------------------------------------------------------------------------------
# Suggestions the UI can pre-fill.
# --------------------------------------------------------------------------------------------


def default_payment_schedules(context: ConventionContext) -> tuple[PaymentSchedule, ...]:
    """An advance of 50 % and a balance of 50 % per year for each signing funder."""
    out = []
    for f in context.funders:
        if not f.party:
            continue
        for i, y in enumerate(context.period.years):
            advance = (
                "à la notification de la convention"
                if i == 0
                else f"avant le 31 mars {y}, sous réserve de la disponibilité des crédits"
            )
            balance = (
                f"après production d'un bilan intermédiaire d'exécution du programme {y}"
                if i == 0
                else f"après production des justificatifs de l'année {y - 1} et d'un bilan intermédiaire {y}"
            )
            out.append(PaymentSchedule(f.key, y, (Instalment("Avance", 50, advance), Instalment("Solde", 50, balance))))
    return tuple(out)


def suggested_steering_members(context: ConventionContext) -> tuple[str, ...]:
    """The comité's usual composition: every funder, then the association."""
    service = state_service(context.region.overseas)
    members = [f"le préfet de la région {context.region.name} ou son représentant ({service})"]
    if context.council is not None:
        members.append(f"le président ou la présidente de la {context.council.name} ou son représentant")
    members += [f"un représentant de {f.name}" for f in context.funders if f.key not in ("state", "region")]
    members.append("le président ou la présidente de l'association ou son représentant")
    return tuple(members)


def suggested_state_functions(region_name: str, overseas: bool) -> StateInfo:
    """The usual functions for the État's party, names left to fill."""
    if overseas:
        director = "directeur des entreprises, de la concurrence, de la consommation, du travail et de l'emploi"
    else:
        director = (
            "directeur régional des entreprises, de la concurrence, de la consommation, du travail et de l'emploi"
        )
    return StateInfo(Signatory("", f"préfet de la région {region_name}"), Signatory("", director))
