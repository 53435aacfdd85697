"""Drafting rules (pnae_desktop.domain.drafting) on plain values: numbers typed in French,
milestones, indicators, CPO links, differences from the PNAE text, coverage and completeness.
No store: every entity is built by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from pnae_desktop.catalogue.model import description_as_richtext
from pnae_desktop.domain import drafting
from pnae_desktop.domain.drafting import (
    MissingItem,
    adapted_fields,
    check_indicator,
    check_milestone,
    check_objectives,
    coverage,
    parse_number,
    word_diff,
)
from pnae_desktop.domain.entities import (
    Indicator,
    Milestone,
    Organisation,
    PraeAction,
    PraeDetail,
    PraeSummary,
)
from pnae_desktop.errors import ValidationError

D = Decimal
START, END = 2018, 2020


def refused(call, *fragments: str, field: str | None = None) -> ValidationError:
    """Run `call`, expect a ValidationError whose French message holds every fragment."""
    with pytest.raises(ValidationError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"« {fragment} » absent de : {message}"
    if field is not None:
        assert info.value.field == field
    return info.value


# --------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12,5", D("12.5")),
        ("12.5", D("12.5")),
        ("0,01", D("0.01")),
        ("1 200", D("1200")),
        ("1\u00a0200,75", D("1200.75")),  # no-break space, as French number formats write it
        ("1\u202f000\u202f000", D("1000000")),  # narrow no-break space
        ("  7  ", D("7")),
        ("0", D("0")),
        (42, D("42")),
        (D("3.10"), D("3.10")),
    ],
)
def test_parse_number_accepts_french_and_english_notation(typed, expected):
    value = parse_number(typed, "Cible 2019")
    assert isinstance(value, Decimal)
    assert value == expected


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("-3", "négative"),
        ("-0,5", "négative"),
        (D("-1"), "négative"),
        ("1,234", "deux décimales"),
        ("0.001", "deux décimales"),
        ("douze", "n'est pas un nombre"),
        ("12 €", "n'est pas un nombre"),
        ("1,2,3", "n'est pas un nombre"),
        ("1e3", "n'est pas un nombre"),
        ("", "une valeur est attendue"),
        ("   ", "une valeur est attendue"),
        (None, "une valeur est attendue"),
        (1.5, "non exacte"),
        (0.0, "non exacte"),
        ("1 000 000 000 000", "trop grande"),
    ],
)
def test_parse_number_refuses_with_a_french_message_naming_the_place(typed, fragment):
    where = "Indicateur « Jeunes accompagnés », cible 2019"
    error = refused(lambda: parse_number(typed, where), fragment)
    assert str(error).startswith(where)


def test_parse_number_quotes_the_typed_text():
    refused(lambda: parse_number("douze", "Cible"), "« douze »")


@pytest.mark.parametrize("typed", ["", "  ", "\u00a0", None])
def test_parse_number_empty_is_none_when_allowed(typed):
    assert parse_number(typed, "Valeur de référence", allow_empty=True) is None


def test_parse_number_allow_empty_still_checks_what_is_typed():
    refused(lambda: parse_number("-2", "Valeur de référence", allow_empty=True), "négative")


# --------------------------------------------------------------------------- check_milestone


def test_check_milestone_accepts_and_trims():
    assert check_milestone(Milestone(2019, "  Comité de pilotage  "), START, END) == Milestone(
        2019, "Comité de pilotage"
    )
    assert check_milestone(Milestone(2018, "Lancement", quarter=1), START, END) == Milestone(2018, "Lancement", 1)
    assert check_milestone(Milestone(2020, "Bilan", quarter=4), START, END).quarter == 4
    dated = Milestone(2020, "Séminaire", day=date(2020, 12, 31))
    assert check_milestone(dated, START, END) == dated


@pytest.mark.parametrize("year", [2017, 2021])
def test_check_milestone_outside_the_period(year):
    refused(
        lambda: check_milestone(Milestone(year, "Séminaire régional"), START, END),
        "Séminaire régional",
        str(year),
        "hors de la période",
        "2018",
        "2020",
        field="calendar",
    )


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_check_milestone_quarter_must_be_1_to_4(quarter):
    refused(
        lambda: check_milestone(Milestone(2019, "Bilan", quarter=quarter), START, END),
        "trimestre",
        field="calendar",
    )


def test_check_milestone_date_of_another_year():
    refused(
        lambda: check_milestone(Milestone(2019, "Séminaire", day=date(2020, 3, 2)), START, END),
        "02/03/2020",
        "n'est pas en 2019",
        field="calendar",
    )


def test_check_milestone_quarter_and_date_both():
    refused(
        lambda: check_milestone(Milestone(2019, "Séminaire", quarter=2, day=date(2019, 5, 1)), START, END),
        "trimestre ou une date, pas les deux",
        field="calendar",
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_check_milestone_empty_text(text):
    refused(lambda: check_milestone(Milestone(2019, text), START, END), "libellé", field="calendar")


# --------------------------------------------------------------------------- check_indicator


def indicator(**changes) -> Indicator:
    base = Indicator(
        label="Jeunes accompagnés",
        unit="nombre",
        source="imilo",
        baseline=D("120"),
        baseline_year=2017,
        targets=((2018, D("130")), (2019, D("140")), (2020, D("150"))),
    )
    return replace(base, **changes)


def test_check_indicator_accepts_french_typing_and_sorts_targets():
    typed = indicator(
        label="  Jeunes accompagnés  ",
        baseline="1 200,5",
        targets=((2020, "1\u00a0500"), (2018, "1 300,25"), (2019, D("1400"))),
        comment="  source I-milo  ",
    )
    checked = check_indicator(typed, START, END)
    assert checked.label == "Jeunes accompagnés"
    assert checked.comment == "source I-milo"
    assert checked.baseline == D("1200.5")
    assert checked.targets == ((2018, D("1300.25")), (2019, D("1400")), (2020, D("1500")))
    assert all(isinstance(v, Decimal) for _, v in checked.targets)


def test_check_indicator_empty_baseline_is_allowed():
    assert check_indicator(indicator(baseline="", baseline_year=None), START, END).baseline is None


def test_check_indicator_unknown_unit():
    refused(
        lambda: check_indicator(indicator(unit="kilos"), START, END),
        "unité inconnue",
        "kilos",
        field="indicators",
    )


def test_check_indicator_unknown_source():
    refused(
        lambda: check_indicator(indicator(source="rumeur"), START, END),
        "source inconnue",
        "rumeur",
        field="indicators",
    )


@pytest.mark.parametrize("label", ["", "    "])
def test_check_indicator_empty_label(label):
    refused(lambda: check_indicator(indicator(label=label), START, END), "libellé", field="indicators")


@pytest.mark.parametrize("year", [2017, 2021])
def test_check_indicator_target_year_outside_the_period(year):
    refused(
        lambda: check_indicator(indicator(targets=((2018, D(1)), (year, D(2)))), START, END),
        "Jeunes accompagnés",
        f"cible pour {year}",
        "hors de la période",
        field="indicators",
    )


def test_check_indicator_percentage_above_100():
    refused(
        lambda: check_indicator(
            indicator(unit="pourcentage", targets=((2018, D("80")), (2019, D("100.01")))),
            START,
            END,
        ),
        "cible 2019",
        "pourcentage",
        "100",
        field="indicators",
    )


def test_check_indicator_percentage_of_100_and_large_counts_are_fine():
    assert check_indicator(indicator(unit="pourcentage", baseline=D(50), targets=((2020, D(100)),)), START, END)
    assert check_indicator(indicator(unit="nombre", targets=((2020, D(250)),)), START, END).target(2020) == D(250)


def test_check_indicator_negative_target_names_the_indicator_and_year():
    error = refused(
        lambda: check_indicator(indicator(targets=((2018, D(10)), (2019, "-5"))), START, END),
        "Jeunes accompagnés",
        "cible 2019",
        "négative",
    )
    assert "2018" not in str(error)


def test_check_indicator_percentage_baseline_above_100():
    refused(
        lambda: check_indicator(indicator(unit="pourcentage", baseline=D(150), targets=((2018, D(60)),)), START, END),
        "pourcentage",
    )


def test_check_indicator_two_targets_for_one_year():
    refused(lambda: check_indicator(indicator(targets=((2019, D(1)), (2019, D(2)))), START, END), "2019")


# --------------------------------------------------------------------------- check_objectives


def test_check_objectives_unknown_code(catalogue):
    refused(
        lambda: check_objectives(["1.1", "5.7"], catalogue),
        "Objectif CPO inconnu",
        "5.7",
        field="objectives",
    )


def test_check_objectives_order_is_normalised(catalogue):
    assert check_objectives(["4.2", "3.1", "2", "1.2", "1.1"], catalogue) == (
        "1.1",
        "1.2",
        "2",
        "3.1",
        "4.2",
    )
    assert check_objectives(["2", "1.1", "2"], catalogue) == ("1.1", "2")
    assert check_objectives([], catalogue) == ()


def test_check_objectives_accepts_every_code_of_the_catalogue(catalogue):
    codes = [o.code for o in catalogue.cpo_objectives]
    assert set(check_objectives(list(reversed(codes)), catalogue)) == set(codes)


def test_check_objectives_from_a_generator(catalogue):
    wanted = ("2", "1.1")
    assert check_objectives((code for code in wanted), catalogue) == ("1.1", "2")


# --------------------------------------------------------------------------- adapted_fields


def declined_as_is(catalogue, number: int, action_id: int = 1) -> PraeAction:
    """A PRAE action holding the PNAE fiche's text unchanged, built from the catalogue."""
    source = catalogue.action(number)
    fields = {key: None for key in ("livrables",)}
    fields.update(source.fields)
    fields["description"] = description_as_richtext(source.description)
    fields["capitalisation"] = source.description.capitalisation
    fields["essaimage"] = source.description.essaimage
    return PraeAction(
        id=action_id,
        position=0,
        pnae_action=number,
        title=source.title,
        theme_label=source.theme_label,
        fields=fields,
        territorial_levels=source.territorial_levels,
    )


def test_declined_action_equal_to_the_pnae_has_no_adapted_field(catalogue):
    for source in catalogue.actions:
        assert adapted_fields(declined_as_is(catalogue, source.number), catalogue) == (), source.number


def test_changing_contexte_only(catalogue):
    action = declined_as_is(catalogue, 1)
    fields = {**action.fields, "contexte": action.fields["contexte"] + " Adapté à la région."}
    assert adapted_fields(replace(action, fields=fields), catalogue) == ("contexte",)


def test_changing_title_and_description(catalogue):
    action = declined_as_is(catalogue, 5)
    changed = replace(
        action,
        title="Déploiement régional du PACEA",
        fields={**action.fields, "description": "1. Une seule sous-action régionale."},
    )
    assert set(adapted_fields(changed, catalogue)) == {"title", "description"}


def test_whitespace_only_changes_do_not_count(catalogue):
    action = declined_as_is(catalogue, 1)
    contexte = action.fields["contexte"]
    respaced = "\n  " + "  \n".join(contexte.split(" ")) + "\t \n"
    assert respaced != contexte
    fields = {**action.fields, "contexte": respaced, "livrables": None}
    changed = replace(action, title=f"  {action.title}  ", fields=fields)
    assert adapted_fields(changed, catalogue) == ()


def test_absent_pnae_field_left_blank_is_not_adapted(catalogue):
    number = next(a.number for a in catalogue.actions if a.fields.get("arml_referentes") is None)
    action = declined_as_is(catalogue, number)
    blank = replace(action, fields={**action.fields, "arml_referentes": "   "})
    assert adapted_fields(blank, catalogue) == ()
    filled = replace(action, fields={**action.fields, "arml_referentes": "ARML Île-de-France"})
    assert adapted_fields(filled, catalogue) == ("arml_referentes",)


def test_regional_action_has_no_adapted_field(catalogue):
    regional = PraeAction(
        id=9,
        position=0,
        pnae_action=None,
        title="Observatoire régional",
        theme_label="Action régionale",
        fields={"contexte": "Un texte propre à la région.", "description": "1. Tableau de bord."},
    )
    assert adapted_fields(regional, catalogue) == ()


# --------------------------------------------------------------------------- word_diff


def test_word_diff_marks_removed_and_added_words():
    old = "Le comité se réunit chaque année"
    new = "Le comité régional se réunit chaque trimestre"
    assert word_diff(old, new) == [
        ("=", "Le comité"),
        ("+", "régional"),
        ("=", "se réunit chaque"),
        ("-", "année"),
        ("+", "trimestre"),
    ]


def test_word_diff_edges():
    assert word_diff(None, None) == []
    assert word_diff("", "   ") == []
    assert word_diff(None, "Nouveau texte") == [("+", "Nouveau texte")]
    assert word_diff("Ancien texte", None) == [("-", "Ancien texte")]
    assert word_diff("a  b\nc", "a b c") == [("=", "a b c")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("un deux trois quatre", "zéro un trois quatre cinq"),
        (
            "Accompagner les jeunes vers l'emploi",
            "Accompagner tous les jeunes de la région vers l'emploi durable",
        ),
        ("a b a b a b", "b a b a"),
        ("texte entièrement différent", "rien de commun ici"),
    ],
)
def test_word_diff_rebuilds_both_texts(old, new):
    ops = word_diff(old, new)
    assert {op for op, _ in ops} <= {"=", "-", "+"}
    assert all(text for _, text in ops)
    assert " ".join(t for op, t in ops if op in "=-").split() == old.split()
    assert " ".join(t for op, t in ops if op in "=+").split() == new.split()


# --------------------------------------------------------------------------- coverage and completeness


STAMP = datetime(2018, 1, 15, 9, 30, tzinfo=timezone.utc)


def detail_of(*actions: PraeAction) -> PraeDetail:
    summary = PraeSummary(
        id=1,
        title="PRAE Île-de-France 2018-2020",
        region_code="11",
        region_name="Île-de-France",
        start_year=START,
        end_year=END,
        status="brouillon",
        action_count=len(actions),
        organisation_name="ARML Île-de-France",
        catalogue_edition="pnae-2018-2020",
        created_at=STAMP,
        updated_at=STAMP,
    )
    return PraeDetail(summary, Organisation(1, "ARML Île-de-France"), tuple(actions), ())


def complete_action(action_id: int, pnae_action: int | None, objectives=("1.1",)) -> PraeAction:
    return PraeAction(
        id=action_id,
        position=action_id,
        pnae_action=pnae_action,
        title=f"Action {action_id}",
        theme_label="Thème",
        fields={"contexte": "Contexte régional.", "description": "1. Faire."},
        territorial_levels=("regionale",),
        pilot="Claire Dubois",
        milestones=(Milestone(2018, "Lancement"),),
        objectives=tuple((code, None) for code in objectives),
        indicators=(Indicator("Jeunes accompagnés", "nombre", "imilo", targets=((2018, D(10)),)),),
    )


def test_a_complete_action_misses_nothing(catalogue):
    assert coverage(detail_of(complete_action(7, 1)), catalogue).missing == ()


def _with_fields(action: PraeAction, **fields) -> PraeAction:
    return replace(action, fields={**action.fields, **fields})


@pytest.mark.parametrize(
    ("spoil", "field", "fragment"),
    [
        (lambda a: replace(a, pilot=""), "pilot", "pilote"),
        (lambda a: replace(a, pilot="   "), "pilot", "pilote"),
        (lambda a: replace(a, objectives=()), "objectives", "objectif"),
        (lambda a: replace(a, indicators=()), "indicators", "indicateur"),
        (lambda a: replace(a, milestones=()), "calendar", "calendrier"),
        (lambda a: _with_fields(a, contexte=None), "contexte", "contexte"),
        (lambda a: _with_fields(a, contexte=" \n "), "contexte", "contexte"),
        (lambda a: _with_fields(a, description=""), "description", "description"),
        (lambda a: _with_fields(a, description=None), "description", "description"),
        (lambda a: replace(a, territorial_levels=()), "territorial_levels", "territoriale"),
    ],
)
def test_each_missing_item_rule(catalogue, spoil, field, fragment):
    good = complete_action(7, 1)
    other = complete_action(8, 5)
    result = coverage(detail_of(spoil(good), other), catalogue)
    assert [(m.action_id, m.field) for m in result.missing] == [(7, field)]
    assert fragment in result.missing[0].message.lower()
    assert result.incomplete_actions == (7,)


def test_blank_action_misses_every_item_once(catalogue):
    blank = PraeAction(id=3, position=0, pnae_action=None, title="Nouvelle action", theme_label="", fields={})
    result = coverage(detail_of(complete_action(1, 1), blank), catalogue)
    assert {m.field for m in result.missing} == {
        "pilot",
        "objectives",
        "indicators",
        "calendar",
        "contexte",
        "description",
        "territorial_levels",
    }
    assert all(isinstance(m, MissingItem) and m.action_id == 3 for m in result.missing)
    assert len(result.missing) == 7
    assert result.incomplete_actions == (3,)


def test_coverage_of_objectives_lists_the_serving_actions(catalogue):
    a = complete_action(10, 1, objectives=("1.1", "2"))
    b = complete_action(20, 5, objectives=("2",))
    c = complete_action(30, None, objectives=("4.2",))
    result = coverage(detail_of(a, b, c), catalogue)
    served = dict(result.objectives)
    assert [code for code, _ in result.objectives] == [o.code for o in catalogue.cpo_objectives]
    assert served["1.1"] == (10,)
    assert served["2"] == (10, 20)
    assert served["4.2"] == (30,)
    others = [o.code for o in catalogue.cpo_objectives if o.code not in {"1.1", "2", "4.2"}]
    assert others and all(served[code] == () for code in others)
    assert result.uncovered_objectives == tuple(others)


def test_coverage_of_priority_themes_and_not_declined(catalogue):
    first, second, third = catalogue.priority_themes[:3]
    assert len(first.actions) >= 2 and third.actions
    declined_numbers = [first.actions[0], *second.actions]
    assert not set(declined_numbers) & set(third.actions)
    actions = [complete_action(100 + i, n) for i, n in enumerate(declined_numbers)]
    actions.append(complete_action(999, None))  # a regional action declines nothing
    result = coverage(detail_of(*actions), catalogue)

    themes = {number: (declined, missing) for number, declined, missing in result.priority_themes}
    assert set(themes) == {t.number for t in catalogue.priority_themes}
    assert themes[first.number] == ((first.actions[0],), tuple(first.actions[1:]))
    assert themes[second.number] == (tuple(second.actions), ())
    assert themes[third.number] == ((), tuple(third.actions))

    every = [a.number for a in catalogue.actions]
    assert set(result.not_declined) == set(every) - set(declined_numbers)
    assert list(result.not_declined) == sorted(result.not_declined, key=every.index)


def test_coverage_of_an_empty_prae(catalogue):
    result = coverage(detail_of(), catalogue)
    assert result.missing == ()
    assert set(result.uncovered_objectives) == {o.code for o in catalogue.cpo_objectives}
    assert set(result.not_declined) == {a.number for a in catalogue.actions}
    assert all(declined == () for _, declined, _ in result.priority_themes)


def test_field_labels_name_every_missing_item_field():
    blank = PraeAction(id=1, position=0, pnae_action=None, title="x", theme_label="", fields={})
    for item in drafting.missing_items(blank):
        assert drafting.FIELD_LABELS[item.field]
