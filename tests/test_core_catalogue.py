"""The shipped PNAE 2018-2020 catalogue, checked against the source document itself.

The source (the PNAE 2018-2020, édition 2018, as Markdown-like text) is parsed at test time;
its location defaults to /work/shared/reference and can be set with PNAE_SOURCE_DOC. Tests that
need it are skipped when it is absent (a clean checkout does not ship it).

Titles: part 3 opens with a numbered list of the 13 actions, and each action then has its own
section heading "# N. Title". The two agree except for actions 6, 7, 8 and 9:
  - 6, 7, 8: the list spells out "Plan d'investissement compétences (PIC)" where the headings
    say "PIC" (and 6, 7 lose a comma before "dans le cadre");
  - 9: the list says "salariés et des bénévoles", the heading "salariés et/ou des bénévoles".
For those four the catalogue follows the section heading, which is what we compare against.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

import pytest

from pnae_desktop import paths
from pnae_desktop.catalogue.loader import SCHEMA_FILE, load_folder
from pnae_desktop.text import fold, matches_all_words

SOURCE = Path(os.environ.get("PNAE_SOURCE_DOC", "/work/shared/reference/000_897180660afef82e.txt"))
SHIPPED_KEY = "pnae-2018-2020"
SHIPPED_FILE = f"{SHIPPED_KEY}.json"

# Actions whose title in part 3's numbered list differs from their section heading (see above).
LIST_DIFFERS_FROM_HEADING = {6, 7, 8, 9}

FIELD_KEYS = (
    "contexte",
    "enjeux",
    "animation",
    "co_animation",
    "arml_referentes",
    "arml_concernees",
    "acteurs",
    "dimension_territoriale",
)

# How each fiche field's heading reads in an action section (the wording varies a little:
# "La/les ARM référentes" in action 5, "Les ARML référentes" in action 10...).
FIELD_HEADINGS = {
    "contexte": r"^Contexte$",
    "enjeux": r"^Enjeux et attentes$",
    "animation": r"^Animation$",
    "co_animation": r"^Co-animation$",
    "arml_referentes": r"ARML? référentes$",
    "arml_concernees": r"ARML concernées$",
    "acteurs": r"acteurs concernés et/ou impliqués$",
    "dimension_territoriale": r"dimension territoriale$",
}

_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def norm(text: str) -> str:
    """Comparable form of source and catalogue text: no HTML tags (a superscript note number
    becomes a superscript digit, as in the catalogue), no Markdown emphasis, hard line breaks
    and paragraph breaks joined into single spaces."""
    text = re.sub(r"<sup>(\d+)</sup>", lambda m: m[1].translate(_SUPERSCRIPT_DIGITS), text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def heading_text(line: str) -> str:
    return norm(line.lstrip("#")).rstrip(" :")


# --------------------------------------------------------------------------- source parsing


@pytest.fixture(scope="module")
def source_lines() -> list[str]:
    if not SOURCE.is_file():
        pytest.skip(f"source document absent: {SOURCE} (set PNAE_SOURCE_DOC)")
    return SOURCE.read_text(encoding="utf-8").split("\n")


def _index(lines: list[str], predicate, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if predicate(lines[i]))


@pytest.fixture(scope="module")
def part3(source_lines):
    """(start, end) line indexes of part 3 (the actions), end = the '# 4.' heading."""
    start = _index(source_lines, lambda l: "ACTIONS À MENER DANS LE CADRE DU PNAE" in l)
    end = _index(source_lines, lambda l: l.strip() == "# 4.", start)
    return start, end


@pytest.fixture(scope="module")
def listed_titles(source_lines, part3) -> dict[int, str]:
    """The numbered list right after the part 3 heading."""
    start, _ = part3
    titles: dict[int, str] = {}
    for line in source_lines[start + 1 :]:
        if line.startswith("#"):
            break
        m = re.match(r"^(\d+)\.\s+(.+)$", line)
        if m:
            titles[int(m[1])] = m[2].strip()
    return titles


@pytest.fixture(scope="module")
def sections(source_lines, part3) -> dict[int, tuple[str, list[str]]]:
    """Action number -> (section heading title, the section's lines)."""
    start, end = part3
    heads = []
    for i in range(start + 1, end):
        m = re.match(r"^#+\s+(\d+)\.\s+(.+)$", source_lines[i])
        if m:
            heads.append((int(m[1]), i, norm(m[2])))
    result = {}
    for k, (number, i, title) in enumerate(heads):
        stop = heads[k + 1][1] if k + 1 < len(heads) else end
        result[number] = (title, source_lines[i:stop])
    return result


def _section_headings(lines: list[str]) -> list[str]:
    return [heading_text(l) for l in lines[1:] if l.startswith("#")]


def _action_strings(action) -> list[str]:
    d = action.description
    out = [action.title, action.theme_label, *action.notes, action.calendar_label]
    out += [v for v in action.fields.values() if v]
    out += [s for s in (d.intro, d.outro, d.capitalisation, d.essaimage, action.calendar_intro) if s]
    for sub in d.sub_actions:
        out += [sub.text, *sub.points]
        out += [s for s in (sub.group, sub.after) if s]
    for year in action.calendar:
        out += list(year.items)
        if year.note:
            out.append(year.note)
    return out


# --------------------------------------------------------------------------- edition and counts


def test_shipped_edition_loads_without_problems():
    from pnae_desktop.catalogue.loader import shipped_catalogues

    shipped = shipped_catalogues()
    assert shipped.problems == ()
    assert [e.key for e in shipped.editions] == [SHIPPED_KEY]
    c = shipped.default
    assert (c.start_year, c.end_year) == (2018, 2020)
    assert c.short_title == "PNAE 2018-2020"
    assert c.edition_label == "édition 2018"


def test_thirteen_actions_numbered_1_to_13(catalogue):
    assert [a.number for a in catalogue.actions] == list(range(1, 14))
    assert [a.key for a in catalogue.actions][:2] == ["action-1", "action-2"]
    with pytest.raises(KeyError):
        catalogue.action(14)


def test_action_titles_match_part3_list_and_section_headings(catalogue, listed_titles, sections):
    assert sorted(listed_titles) == list(range(1, 14))
    assert sorted(sections) == list(range(1, 14))
    for action in catalogue.actions:
        heading_title = sections[action.number][0]
        assert action.title == heading_title, action.number
        if action.number in LIST_DIFFERS_FROM_HEADING:
            # Documented source discrepancy: the catalogue follows the section heading.
            assert listed_titles[action.number] != heading_title
        else:
            assert action.title == listed_titles[action.number], action.number


def test_theme_label_is_the_line_under_each_action_heading(catalogue, sections):
    for action in catalogue.actions:
        headings = _section_headings(sections[action.number][1])
        # Actions 3 and 7 carry an italic editorial note between title and heading; the
        # theme label is the first heading after the title in every case.
        assert action.theme_label == headings[0], action.number


def test_operational_themes_match_source_table(catalogue, source_lines):
    start = _index(source_lines, lambda l: l.startswith("## Les thèmes opérationnels du PNAE"))
    end = _index(source_lines, lambda l: l.startswith("## Les axes structurels du PNAE"), start)
    table = "\n".join(source_lines[start:end])
    source_titles = [norm(t) for t in re.findall(r"<b>(.*?)</b>", table)]
    assert len(catalogue.operational_themes) == 4
    assert [t.number for t in catalogue.operational_themes] == [1, 2, 3, 4]
    assert [t.title for t in catalogue.operational_themes] == source_titles
    theme1 = catalogue.operational_themes[0]
    assert len(theme1.objectives) == 3
    assert theme1.objectives[0] == ("Veiller à l'évolution et à l'adaptation nécessaire du système d'information.")


def test_structural_axes_match_source_table(catalogue, source_lines):
    start = _index(source_lines, lambda l: l.startswith("## Les axes structurels du PNAE"))
    table = "\n".join(source_lines[start : start + 8])
    source_axes = {int(n): norm(t) for n, t in re.findall(r"<b>Axe (\d) :</b>\s*(.*?)</p>", table)}
    assert [a.number for a in catalogue.structural_axes] == [1, 2, 3]
    assert {a.number: a.title for a in catalogue.structural_axes} == source_axes
    assert catalogue.structural_axes[2].actions == (
        "créer un guide pour la construction des projets territoriaux",
        "concevoir un outil de diagnostic multidimensionnel de la situation du jeune",
        "déployer un système local de repérage des jeunes en grande difficulté",
    )


def test_actions_link_to_themes_and_axes(catalogue):
    themes = {a.number: a.operational_theme for a in catalogue.actions}
    assert themes == {
        1: 1,
        2: 1,
        3: 2,
        4: 2,
        5: 2,
        6: 3,
        7: 3,
        8: 3,
        9: 2,
        10: 4,
        11: 2,
        12: None,
        13: None,
    }
    # The fiches of actions 12 and 13 say "Axe 2" and "Axe 3", but the axes table of part 2
    # numbers them the other way round (2 = valorisation/bilan, 3 = socle commun): the
    # catalogue follows the table, which matches the actions' subjects.
    assert catalogue.action(12).structural_axis == 3
    assert catalogue.action(13).structural_axis == 2
    assert "socle commun de l'offre de services" in catalogue.structural_axes[2].title
    assert "Bilan d'activité" in catalogue.structural_axes[1].title
    for action in catalogue.actions:
        assert (action.operational_theme is None) != (action.structural_axis is None)


def test_priority_themes_match_part4(catalogue, source_lines):
    start = _index(source_lines, lambda l: "THÈMES PRIORITAIRES DU PNAE CHOISIS" in l)
    end = _index(source_lines, lambda l: l.startswith("# ANNEXES"), start)
    themes: dict[int, list[int]] = {}
    current = None
    for line in source_lines[start:end]:
        m = re.match(r"^(\d+)\.\s", line)
        if m:
            current = int(m[1])
            themes[current] = []
        for refs in re.findall(r"\(actions? ([\d et,]+), p\.", line):
            themes[current].extend(int(n) for n in re.findall(r"\d+", refs))
    assert len(catalogue.priority_themes) == 3
    assert {t.number: list(t.actions) for t in catalogue.priority_themes} == themes
    assert catalogue.priority_action_numbers == (1, 2, 3, 5, 6, 7, 8)
    assert len(catalogue.priority_themes[2].items) == 4


def test_cpo_axes_and_objectives_match_annex1(catalogue, source_lines):
    start = _index(source_lines, lambda l: "Les attendus de l'Etat dans le cadre du programme" in l)
    end = _index(source_lines, lambda l: "III. Un cadre conventionnel" in l, start)
    part = source_lines[start:end]
    axes = {}
    objectives = {}
    for line in part:
        m = re.match(r"^- axe (\d) : (.*?)\s*[:;]$", line)
        if m:
            axes[int(m[1])] = m[2]
        m = re.match(r"^\s*- Objectif (\d)[.-](\d) : (.*)$", line)
        if m:
            objectives[f"{m[1]}.{m[2]}"] = m[3].strip()
    assert {a.number: a.title for a in catalogue.cpo_axes} == axes
    codes = [o.code for o in catalogue.cpo_objectives]
    assert codes == ["1.1", "1.2", "1.3", "2", "3.1", "3.2", "3.3", "4.1", "4.2"]
    for o in catalogue.cpo_objectives:
        if o.code == "2":  # axis 2 has no numbered objective: the axis itself is the objective
            assert o.text == axes[2]
        else:
            assert o.text.split("\n", 1)[0] == objectives[o.code], o.code
        assert o.axis == int(o.code[0])
    assert "« jeunes et employeurs »" in catalogue.cpo_axes[1].title


def test_regions_and_armls_match_annex3(catalogue, source_lines):
    start = _index(source_lines, lambda l: l.startswith("## ANNEXE 3"))
    end = _index(source_lines, lambda l: l.startswith("## ANNEXE 4"), start)
    armls: dict[str, list[str]] = {}
    current = None
    for line in source_lines[start:end]:
        if line.startswith("#### "):
            current = line[5:].strip()
            armls[current] = []
        elif current and re.match(r"^\*\*[^*]+\*\*$", line.strip()):
            armls[current].append(line.strip().strip("*"))
    assert len(armls) == 14

    with_arml = [r for r in catalogue.regions if r.arml is not None]
    without = [r for r in catalogue.regions if r.arml is None]
    assert len(with_arml) == 14
    assert {(r.insee_code, r.name) for r in without} == {
        ("01", "Guadeloupe"),
        ("02", "Martinique"),
        ("03", "Guyane"),
        ("06", "Mayotte"),
    }
    assert {r.arml.name: [p.name for p in r.arml.presidents] for r in with_arml} == armls
    assert len({r.insee_code for r in catalogue.regions}) == len(catalogue.regions) == 18


def test_region_sample_values(catalogue):
    reunion = catalogue.region("04")
    assert reunion.name == "La Réunion"
    assert reunion.overseas and reunion.state_service == "Dieccte"
    assert reunion.arml.presidents[0].name == "RIFOSTA Hermann"
    idf = catalogue.region("11")
    assert idf.name == "Île-de-France" and not idf.overseas and idf.state_service == "Direccte"
    assert idf.arml.presidents[0].functions == ("Vice-Président de la mission locale intercommunale de Rambouillet")
    hdf = catalogue.region("32")
    assert [p.name for p in hdf.arml.presidents] == ["GODEFROY Marc", "FONTAINE Patrice"]
    assert {r.insee_code for r in catalogue.regions if r.overseas} == {"01", "02", "03", "04", "06"}
    with pytest.raises(KeyError):
        catalogue.region("99")


# --------------------------------------------------------------------------- fiche fields


def test_fiche_model_labels_match_part2_model(catalogue, source_lines):
    start = _index(source_lines, lambda l: l.startswith("## **Objectif :**"))
    end = _index(source_lines, lambda l: l.strip() == "# 3.", start)
    headings = [heading_text(l) for l in source_lines[start + 1 : end] if l.startswith("###")]
    assert [f.label for f in catalogue.fiche_model] == headings
    assert [f.key for f in catalogue.fiche_model] == [
        "contexte",
        "enjeux",
        "description",
        "animation",
        "co_animation",
        "arml_referentes",
        "arml_concernees",
        "acteurs",
        "dimension_territoriale",
        "calendrier",
    ]
    assert catalogue.field_label("animation") == "Animation"
    assert catalogue.field_label("inconnu") == "inconnu"


def test_every_field_present_and_none_only_where_source_lacks_heading(catalogue, sections):
    for action in catalogue.actions:
        assert set(action.fields) == set(FIELD_KEYS), action.number
        headings = _section_headings(sections[action.number][1])
        for key, pattern in FIELD_HEADINGS.items():
            in_source = any(re.search(pattern, h) for h in headings)
            value = action.fields[key]
            assert in_source == (value is not None), (action.number, key)
            if value is not None:
                assert value.strip(), (action.number, key)


def test_missing_fields_are_exactly_the_known_gaps(catalogue):
    missing = {(a.number, k) for a in catalogue.actions for k, v in a.fields.items() if v is None}
    assert missing == {
        (3, "arml_referentes"),
        (7, "arml_referentes"),
        (8, "arml_referentes"),
        (11, "arml_referentes"),
        (12, "dimension_territoriale"),
        (13, "co_animation"),
    }


def test_field_values_are_verbatim_from_their_action_section(catalogue, sections):
    for action in catalogue.actions:
        section = norm("\n".join(sections[action.number][1]))
        for key, value in action.fields.items():
            if value is not None:
                assert norm(value) in section, (action.number, key)
        for note in action.notes:
            assert norm(note) in section, action.number


def test_description_and_calendar_headings_present(catalogue, sections):
    for action in catalogue.actions:
        headings = _section_headings(sections[action.number][1])
        assert any(h.startswith("Descri") for h in headings), action.number
        assert action.calendar_label in headings, action.number
        # Either yearly items (2018, 2019, 2020) or a free calendar text (action 12).
        if action.calendar:
            assert [y.year for y in action.calendar] == [2018, 2019, 2020], action.number
        else:
            assert action.calendar_intro, action.number


def test_sub_actions_match_numbered_items_of_each_description(catalogue, sections):
    for action in catalogue.actions:
        lines = sections[action.number][1]
        start = _index(lines, lambda l: l.startswith("#") and "Descri" in l)
        end = _index(lines, lambda l: l.strip() == "Capitalisation", start)
        numbered = [int(m[1]) for l in lines[start:end] for m in [re.match(r"^(\d+)\. ", l)] if m]
        subs = action.description.sub_actions
        assert len(subs) > 0, action.number
        assert [s.number for s in subs] == numbered, action.number


def test_all_sub_action_texts_are_verbatim_in_source(catalogue, sections):
    for action in catalogue.actions:
        section = norm("\n".join(sections[action.number][1]))
        for sub in action.description.sub_actions:
            for text in (sub.text, *sub.points, *([sub.after] if sub.after else [])):
                assert norm(text) in section, (action.number, sub.number, text[:60])


def test_calendar_items_are_verbatim_in_source(catalogue, sections):
    for action in catalogue.actions:
        section = norm("\n".join(sections[action.number][1]))
        for year in action.calendar:
            for item in year.items:
                assert norm(item) in section, (action.number, year.year, item[:60])
        if action.calendar_intro:
            assert norm(action.calendar_intro) in section, action.number


def test_sample_exact_values(catalogue):
    assert catalogue.action(5).fields["animation"] == "DMML."
    assert catalogue.action(1).fields["co_animation"] == "DGEFP/MISI, Similo, MAJE, UNML."
    assert [s.text for s in catalogue.action(1).description.sub_actions] == [
        "Favoriser la mise en œuvre d'I-milo et de ses évolutions dans les régions.",
        "Veiller à l'adaptation nécessaire du système d'information.",
        (
            "Participer à l'élaboration du schéma directeur I-milo dans le cadre du pilotage "
            "stratégique du système d'information confié au DMML."
        ),
    ]
    notes3 = catalogue.action(3).notes
    assert len(notes3) == 1
    assert "fiche actualisée transmise fin du 1er trimestre 2018" in notes3[0]
    assert notes3 == catalogue.action(7).notes
    a3 = catalogue.action(3)
    assert len(a3.description.sub_actions[0].points) == 5
    assert a3.description.sub_actions[0].points[0] == (
        "comprendre les réformes en matière d'alternance et la logique des pouvoirs publics ;"
    )
    assert {s.group for s in catalogue.action(5).description.sub_actions} == {"Au niveau national"}
    assert catalogue.action(6).calendar_intro.startswith("Tous les objectifs sont concernés en 2018")
    assert catalogue.action(11).calendar[0].items[0] == ("Création des observatoires de l'illettrisme dans les DOM.")
    assert catalogue.action(12).description.intro == (
        "Mise en œuvre des trois chantiers avec la mise en place et l'animation de trois groupes de travail :"
    )
    assert catalogue.action(13).fields["contexte"].count("13 501 salariés¹") == 1
    assert catalogue.action(2).territorial_levels == ("interregionale", "nationale")
    assert catalogue.action(8).territorial_levels == ()


def test_sub_action_counts(catalogue):
    counts = {a.number: len(a.description.sub_actions) for a in catalogue.actions}
    assert counts == {
        1: 3,
        2: 7,
        3: 6,
        4: 7,
        5: 5,
        6: 4,
        7: 4,
        8: 3,
        9: 6,
        10: 2,
        11: 4,
        12: 3,
        13: 5,
    }


# --------------------------------------------------------------------------- typography


@pytest.mark.parametrize("char", ["œ", "Œ", "«", "»", "€", "–"])
def test_typography_counts_match_source_per_action(catalogue, sections, char):
    """Each action keeps exactly as many œ, guillemets, euro signs and en dashes as its
    section in the source (no 'oe', no straight quotes, no lost symbols)."""
    for action in catalogue.actions:
        source_count = "\n".join(sections[action.number][1]).count(char)
        catalogue_count = "\n".join(_action_strings(action)).count(char)
        assert catalogue_count == source_count, (action.number, char)


def test_typography_intact(catalogue, source_lines):
    texts = "\n".join(s for a in catalogue.actions for s in _action_strings(a))
    assert texts.count("œ") >= 20
    assert "mise en œuvre" in catalogue.action(1).title
    assert "« Ensemble pour l'insertion des jeunes »" in catalogue.action(2).description.sub_actions[0].text
    assert "oeuvre" not in texts
    raw = json.dumps(catalogue.raw, ensure_ascii=False)
    for mojibake in ("Ã©", "Ã¨", "Å“", "â€", "\ufffd"):
        assert mojibake not in raw
    # The source's euro signs are all in annexe 2 (regional digital survey), which the catalogue
    # does not carry; amounts inside the actions are written out and kept as written.
    annex2 = _index(source_lines, lambda l: l.startswith("## ANNEXE 2"))
    annex3 = _index(source_lines, lambda l: l.startswith("## ANNEXE 3"), annex2)
    assert any("€" in l for l in source_lines[annex2:annex3])
    assert not any("€" in l for l in source_lines[:annex2] + source_lines[annex3:])
    assert "300 000 euros par an" in catalogue.action(2).fields["contexte"]


# --------------------------------------------------------------------------- bad editions


def _shipped_text(name: str) -> str:
    return paths.resources().joinpath("catalogues").joinpath(name).read_text(encoding="utf-8")


def _shifted_edition(data: dict, years: int = 3) -> dict:
    """A later edition: same content, new key and period (as a 2021-2023 file would be)."""
    later = copy.deepcopy(data)
    start, end = data["edition"]["start_year"] + years, data["edition"]["end_year"] + years
    old = f"{data['edition']['start_year']}-{data['edition']['end_year']}"
    new = f"{start}-{end}"
    e = later["edition"]
    e.update(key=f"pnae-{new}", start_year=start, end_year=end)
    e["title"] = e["title"].replace(old, new)
    e["short_title"] = e["short_title"].replace(old, new)
    e["edition_label"] = f"édition {start}"
    for action in later["actions"]:
        for year in action["calendar"]:
            year["year"] += years
    return later


@pytest.fixture
def folder(tmp_path):
    """A catalogues folder: the schema, the shipped edition and a valid later edition."""
    target = tmp_path / "catalogues"
    target.mkdir()
    (target / SCHEMA_FILE).write_text(_shipped_text(SCHEMA_FILE), encoding="utf-8")
    shipped = _shipped_text(SHIPPED_FILE)
    (target / SHIPPED_FILE).write_text(shipped, encoding="utf-8")
    later = _shifted_edition(json.loads(shipped))
    (target / "pnae-2021-2023.json").write_text(json.dumps(later, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def test_later_edition_loads_without_code_change(folder):
    result = load_folder(folder)
    assert result.problems == ()
    assert [e.key for e in result.editions] == ["pnae-2018-2020", "pnae-2021-2023"]
    later = result.get("pnae-2021-2023")
    assert (later.start_year, later.end_year) == (2021, 2023)
    assert later.short_title == "PNAE 2021-2023"
    assert [y.year for y in later.action(1).calendar] == [2021, 2022, 2023]
    assert len(later.actions) == 13
    assert result.default.key == "pnae-2021-2023"  # the most recent edition is the default
    assert result.get("pnae-2018-2020").start_year == 2018


def test_later_edition_is_usable_by_the_services(folder, sqlite_store):
    from pnae_desktop.domain.entities import NewPrae
    from pnae_desktop.services import praes

    later = load_folder(folder).get("pnae-2021-2023")
    prae_id = praes.create_prae(sqlite_store, later, NewPrae("84", 2021, 2023, (1, 5)))
    [summary] = praes.list_praes(sqlite_store)
    assert summary.id == prae_id
    assert summary.catalogue_edition == "pnae-2021-2023"
    assert summary.period_label == "2021–2023"


def _corrupt(folder: Path, mutate) -> None:
    path = folder / SHIPPED_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _del_title(d):
    del d["actions"][0]["title"]


def _wrong_number_type(d):
    d["actions"][2]["number"] = "3"


def _unknown_priority_action(d):
    d["priority_themes"][0]["actions"] = [1, 99]


def _unknown_operational_theme(d):
    d["actions"][3]["operational_theme"] = 9


def _duplicate_action_number(d):
    d["actions"][1]["number"] = 1


def _reversed_period(d):
    d["edition"]["start_year"], d["edition"]["end_year"] = 2020, 2018


def _duplicate_objective(d):
    d["cpo_axes"][1]["objectives"][0]["code"] = "1.1"


def _wrong_level(d):
    d["actions"][0]["territorial_levels"] = ["departementale"]


@pytest.mark.parametrize(
    "mutate, field_path, detail",
    [
        (_del_title, "actions/0", "title"),
        (_wrong_number_type, "actions/2/number", "'3'"),
        (_unknown_priority_action, "priority_themes/0/actions", "action(s) inconnue(s) [99]"),
        (_unknown_operational_theme, "actions/3/operational_theme", "thème opérationnel 9 inconnu"),
        (_duplicate_action_number, "actions", "numéro d'action en double"),
        (_reversed_period, "edition", "période inversée"),
        (_duplicate_objective, "cpo_axes", "objectif en double"),
        (_wrong_level, "actions/0/territorial_levels/0", "departementale"),
    ],
    ids=[
        "required-field-removed",
        "wrong-type",
        "unknown-priority-action",
        "unknown-operational-theme",
        "duplicate-action",
        "reversed-period",
        "duplicate-objective",
        "unknown-level",
    ],
)
def test_broken_edition_is_reported_and_the_valid_one_still_loads(folder, mutate, field_path, detail):
    _corrupt(folder, mutate)
    result = load_folder(folder)
    assert [e.key for e in result.editions] == ["pnae-2021-2023"]
    assert len(result.problems) == 1
    message = result.problems[0]
    assert message.startswith(f"Catalogue « {SHIPPED_FILE} » : champ « {field_path} »")
    assert detail in message
    assert result.default.key == "pnae-2021-2023"


def test_invalid_json_is_reported_with_line_and_column(folder):
    path = folder / SHIPPED_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:2000] + "\n,,]" + text[2000:], encoding="utf-8")
    result = load_folder(folder)
    assert [e.key for e in result.editions] == ["pnae-2021-2023"]
    [message] = result.problems
    assert message.startswith(f"Catalogue « {SHIPPED_FILE} » : JSON illisible ligne ")
    assert ", colonne " in message


def test_non_utf8_edition_is_reported(folder):
    path = folder / SHIPPED_FILE
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    result = load_folder(folder)
    assert [e.key for e in result.editions] == ["pnae-2021-2023"]
    assert result.problems == (f"Catalogue « {SHIPPED_FILE} » : le fichier n'est pas en UTF-8.",)


def test_two_files_with_the_same_edition_key(folder):
    (folder / "zz-copie.json").write_text(_shipped_text(SHIPPED_FILE), encoding="utf-8")
    result = load_folder(folder)
    assert [e.key for e in result.editions] == ["pnae-2018-2020", "pnae-2021-2023"]
    assert result.problems == ("Catalogue « zz-copie.json » : l'édition « pnae-2018-2020 » existe déjà.",)


def test_unknown_edition_and_empty_folder_give_french_errors(folder):
    from pnae_desktop.errors import CatalogueError

    result = load_folder(folder)
    with pytest.raises(CatalogueError, match="L'édition du socle commun « pnae-1999-2001 » n'est pas disponible"):
        result.get("pnae-1999-2001")
    (folder / SHIPPED_FILE).write_text("{}", encoding="utf-8")
    (folder / "pnae-2021-2023.json").unlink()
    broken = load_folder(folder)
    assert broken.editions == ()
    with pytest.raises(CatalogueError, match="Aucune édition du socle commun PNAE n'a pu être chargée"):
        _ = broken.default


@pytest.mark.parametrize(
    "mutate, detail",
    [
        (_del_title, "champ obligatoire absent : « title »"),
        (_wrong_number_type, "type attendu : nombre entier (valeur trouvée : '3')"),
        (_wrong_level, "valeur 'departementale' non autorisée"),
    ],
    ids=["required", "type", "enum"],
)
def test_schema_problem_detail_is_french(folder, mutate, detail):
    _corrupt(folder, mutate)
    [message] = load_folder(folder).problems
    assert message.endswith(f"non conforme au schéma : {detail}.")
    for english in ("is a required property", "is not of type", "is not one of"):
        assert english not in message


# --------------------------------------------------------------------------- search folding


def test_fold_removes_accents_case_and_ligatures():
    assert fold("Réunion") == fold("reunion") == fold("REUNION") == "reunion"
    assert fold("œuvre") == fold("oeuvre") == fold("ŒUVRE") == "oeuvre"
    assert fold("Île-de-France") == "ile-de-france"
    assert fold("l’État") == "l'etat"
    assert fold("13\u00a0501\u202fsalariés") == "13 501 salaries"
    assert fold("Ægide") == "aegide"


def test_matches_all_words():
    hay = fold("Favoriser la mise en œuvre et l'appropriation du système d'information I-milo")
    assert matches_all_words(hay, "oeuvre")
    assert matches_all_words(hay, "OEUVRE systeme")
    assert matches_all_words(hay, "Système  Œuvre")
    assert matches_all_words(hay, "")  # an empty query matches everything
    assert not matches_all_words(hay, "oeuvre réunion")
    assert matches_all_words(fold("La Réunion"), "reunion")
    assert not matches_all_words(fold("La Réunion"), "reunions")


def test_search_over_the_catalogue(catalogue):
    def search(items, text_of, query):
        return [i for i in items if matches_all_words(fold(text_of(i)), query)]

    assert [r.insee_code for r in search(catalogue.regions, lambda r: r.name, "reunion")] == ["04"]
    assert [r.insee_code for r in search(catalogue.regions, lambda r: r.name, "ile france")] == ["11"]
    hits = search(catalogue.actions, lambda a: a.title, "oeuvre")
    assert [a.number for a in hits] == [a.number for a in catalogue.actions if "œuvre" in a.title]
    assert [a.number for a in hits] == [1]
    assert [a.number for a in search(catalogue.actions, lambda a: a.title, "pic cep")] == [6]


@pytest.mark.parametrize(
    "query, words",
    [
        ("reunion", ["réunion"]),
        ("OEUVRE", ["œuvre"]),
        ("illettrisme dom", ["illettrisme", "dom"]),
        ("garantie jeunes", ["garantie", "jeunes"]),
        ("Fondation   orange", ["fondation", "orange"]),
    ],
)
def test_search_actions_agrees_with_the_source(catalogue, sections, query, words):
    """Typing without accents or ligatures finds exactly the actions whose section in the
    source holds every (accented) word."""
    from pnae_desktop.catalogue.search import search_actions

    expected = [n for n in sorted(sections) if all(w in norm("\n".join(sections[n][1])).lower() for w in words)]
    assert expected  # the query is meaningful
    assert search_actions(catalogue, query) == expected


def test_search_actions_edge_cases(catalogue):
    from pnae_desktop.catalogue.search import search_actions

    assert search_actions(catalogue, "") == list(range(1, 14))
    assert search_actions(catalogue, "xyzzy") == []
    assert search_actions(catalogue, "mayotte") == [11]
    assert search_actions(catalogue, "Réunion") == search_actions(catalogue, "reunion")
