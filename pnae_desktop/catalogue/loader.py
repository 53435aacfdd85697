"""Load every catalogue edition shipped under resources/catalogues/, validated against its schema.

An edition whose file is broken is reported (in French, naming the file and the field) and left
out; the other editions stay available.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources.abc import Traversable

from pnae_desktop import paths
from pnae_desktop.catalogue.model import (
    Action,
    Arml,
    CalendarYear,
    Catalogue,
    CpoAxis,
    CpoObjective,
    Description,
    FicheField,
    OperationalTheme,
    President,
    PriorityTheme,
    Region,
    StructuralAxis,
    SubAction,
)
from pnae_desktop.errors import CatalogueError
from pnae_desktop.schema_messages import TechnicalMessages

SCHEMA_FILE = "catalogue.schema.json"
_MESSAGES = TechnicalMessages()  # a catalogue edition is a file maintainers edit by hand


@dataclass(frozen=True)
class CatalogueSet:
    editions: tuple[Catalogue, ...]
    problems: tuple[str, ...]

    def get(self, key: str) -> Catalogue:
        for edition in self.editions:
            if edition.key == key:
                return edition
        raise CatalogueError(f"L'édition du socle commun « {key} » n'est pas disponible.")

    @property
    def default(self) -> Catalogue:
        if not self.editions:
            raise CatalogueError(
                "Aucune édition du socle commun PNAE n'a pu être chargée :\n" + "\n".join(self.problems)
            )
        return max(self.editions, key=lambda c: (c.start_year, c.key))


def _schema_validator(folder: Traversable):
    import jsonschema  # kept off the start-up path: only loading a catalogue needs it

    schema = json.loads(folder.joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _where(error) -> str:
    parts = [str(p) for p in error.absolute_path]
    return "/".join(parts) if parts else "(racine)"


def load_file(source: Traversable, validator=None) -> Catalogue:
    """Load one edition file; raise CatalogueError with a French message on any problem."""
    name = source.name
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise CatalogueError(f"Catalogue « {name} » : le fichier n'est pas en UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"Catalogue « {name} » : JSON illisible ligne {exc.lineno}, colonne {exc.colno} ({exc.msg})."
        ) from None
    if validator is None:
        validator = _schema_validator(paths.resources().joinpath("catalogues"))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        more = f" (et {len(errors) - 1} autre(s) erreur(s))" if len(errors) > 1 else ""
        raise CatalogueError(
            f"Catalogue « {name} » : champ « {_where(first)} » non conforme au schéma : {_MESSAGES.reason(first)}{more}."
        )
    catalogue = _build(data)
    _check_references(name, catalogue)
    return catalogue


def _check_references(name: str, c: Catalogue) -> None:
    numbers = [a.number for a in c.actions]
    if len(set(numbers)) != len(numbers):
        raise CatalogueError(f"Catalogue « {name} » : champ « actions » : numéro d'action en double.")
    themes = {t.number for t in c.operational_themes}
    axes = {a.number for a in c.structural_axes}
    for i, a in enumerate(c.actions):
        if a.operational_theme is not None and a.operational_theme not in themes:
            raise CatalogueError(
                f"Catalogue « {name} » : champ « actions/{i}/operational_theme » : "
                f"thème opérationnel {a.operational_theme} inconnu."
            )
        if a.structural_axis is not None and a.structural_axis not in axes:
            raise CatalogueError(
                f"Catalogue « {name} » : champ « actions/{i}/structural_axis » : "
                f"axe structurel {a.structural_axis} inconnu."
            )
    for i, t in enumerate(c.priority_themes):
        unknown = [n for n in t.actions if n not in numbers]
        if unknown:
            raise CatalogueError(
                f"Catalogue « {name} » : champ « priority_themes/{i}/actions » : action(s) inconnue(s) {unknown}."
            )
    codes = [o.code for o in c.cpo_objectives]
    if len(set(codes)) != len(codes):
        raise CatalogueError(f"Catalogue « {name} » : champ « cpo_axes » : objectif en double.")
    if c.start_year > c.end_year:
        raise CatalogueError(f"Catalogue « {name} » : champ « edition » : période inversée.")


def _build(d: dict) -> Catalogue:
    e = d["edition"]
    return Catalogue(
        key=e["key"],
        title=e["title"],
        short_title=e["short_title"],
        edition_label=e["edition_label"],
        start_year=e["start_year"],
        end_year=e["end_year"],
        source=e["source"],
        fiche_model=tuple(FicheField(f["key"], f["label"]) for f in d["fiche_model"]),
        operational_themes=tuple(
            OperationalTheme(
                number=t["number"],
                title=t["title"],
                objectives=tuple(t["objectives"]),
                propositions=tuple(t["propositions"]),
                public_policies=tuple(t["public_policies"]),
                partnership=tuple(t["partnership"]),
                practices=tuple(t["practices"]),
            )
            for t in d["operational_themes"]
        ),
        structural_axes=tuple(
            StructuralAxis(a["number"], a["title"], tuple(a["objectives"]), tuple(a["actions"]))
            for a in d["structural_axes"]
        ),
        actions=tuple(_action(a) for a in d["actions"]),
        priority_themes=tuple(
            PriorityTheme(t["number"], t["title"], tuple(t["actions"]), tuple(t["items"])) for t in d["priority_themes"]
        ),
        cpo_axes=tuple(
            CpoAxis(
                number=a["number"],
                title=a["title"],
                objectives=tuple(CpoObjective(o["code"], o["text"], a["number"]) for o in a["objectives"]),
            )
            for a in d["cpo_axes"]
        ),
        regions=tuple(
            Region(
                insee_code=r["insee_code"],
                name=r["name"],
                overseas=r["overseas"],
                seat=r["seat"],
                arml=None
                if r["arml"] is None
                else Arml(
                    r["arml"]["name"],
                    tuple(President(p["title"], p["name"], p["functions"]) for p in r["arml"]["presidents"]),
                ),
            )
            for r in d["regions"]
        ),
        raw=d,
    )


def _action(a: dict) -> Action:
    desc = a["description"]
    return Action(
        number=a["number"],
        title=a["title"],
        theme_label=a["theme_label"],
        operational_theme=a["operational_theme"],
        structural_axis=a["structural_axis"],
        notes=tuple(a["notes"]),
        editor_note=a.get("editor_note"),
        fields=dict(a["fields"]),
        description=Description(
            intro=desc["intro"],
            sub_actions=tuple(
                SubAction(s["number"], s["text"], tuple(s["points"]), s.get("group"), s.get("after"))
                for s in desc["sub_actions"]
            ),
            outro=desc["outro"],
            capitalisation=desc["capitalisation"],
            essaimage=desc["essaimage"],
        ),
        territorial_levels=tuple(a["territorial_levels"]),
        calendar_label=a["calendar_label"],
        calendar_intro=a["calendar_intro"],
        calendar=tuple(CalendarYear(c["year"], tuple(c["items"]), c.get("note")) for c in a["calendar"]),
    )


def load_folder(folder: Traversable) -> CatalogueSet:
    """Load every edition in `folder`; broken ones become problems, not exceptions."""
    validator = _schema_validator(folder)
    editions: list[Catalogue] = []
    problems: list[str] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json") or entry.name == SCHEMA_FILE:
            continue
        try:
            catalogue = load_file(entry, validator)
        except CatalogueError as exc:
            problems.append(str(exc))
            continue
        if any(c.key == catalogue.key for c in editions):
            problems.append(f"Catalogue « {entry.name} » : l'édition « {catalogue.key} » existe déjà.")
            continue
        editions.append(catalogue)
    return CatalogueSet(tuple(editions), tuple(problems))


@lru_cache(maxsize=1)
def shipped_catalogues() -> CatalogueSet:
    """The editions shipped with the application (loaded once per process)."""
    return load_folder(paths.resources().joinpath("catalogues"))
