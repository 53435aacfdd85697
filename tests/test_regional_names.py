"""Names right for every region (issue 11, items 2 and 5): the dated regional names, the
civility agreement, and the documents of demo PRAEs for several regions read back as text."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from pnae_desktop import paths
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import regional_names as names
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import convention as convention_service
from pnae_desktop.services import demo, exports, praes
from pnae_desktop.store.database import open_store

# region -> (préfet's title, authority, signatory's function, ARML), as the 2018 demo prints them:
# the demo's préfet and Région signatory are women ("Mme …"), so their functions are feminine.
EXPECTED = {
    "11": (
        "préfète de la région d'Île-de-France, préfète de Paris",
        "la Région Île-de-France",
        "présidente du conseil régional d'Île-de-France",
        "Association régionale des missions locales d'Île-de-France",
    ),
    "32": (
        "préfète de la région Hauts-de-France, préfète du Nord",
        "la Région Hauts-de-France",
        "présidente du conseil régional des Hauts-de-France",
        "Association régionale des missions locales des Hauts-de-France",
    ),
    "94": (
        "préfète de Corse, préfète de la Corse-du-Sud",
        "la Collectivité de Corse",
        "présidente du conseil exécutif de Corse",
        "Association régionale des missions locales de Corse",
    ),
    "04": (
        "préfète de La Réunion",
        "la Région Réunion",
        "présidente du conseil régional de La Réunion",
        "Association régionale des missions locales de La Réunion",
    ),
    "06": (
        "préfète de Mayotte",
        "le Département de Mayotte (exerçant les compétences régionales)",
        "présidente du conseil départemental de Mayotte",
        "Association régionale des missions locales de Mayotte",
    ),
}
ACCOUNTANT = {
    "11": "directeur régional des finances publiques d'Île-de-France et du département de Paris",
    "32": "directeur régional des finances publiques des Hauts-de-France et du département du Nord",
    "94": "directeur régional des finances publiques de Corse et du département de la Corse-du-Sud",
    "04": "directeur régional des finances publiques de La Réunion",
    "06": "directeur régional des finances publiques de Mayotte",
}


def flat(text: str) -> str:
    """pdftotext's text with its line breaks and hyphenless wraps joined: one space between words."""
    return re.sub(r"\s+", " ", text)


def pdf_text(path) -> str:
    return flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


# -- the data --------------------------------------------------------------------------------------


def test_every_catalogue_region_has_its_names(catalogue):
    for region in catalogue.regions:
        found = names.regional_names(region.insee_code, region.name, date(2018, 1, 1))
        assert found.state_service == ("Dieccte" if region.overseas else "Direccte"), region.name
        assert re.match(r"^(de |d'|du |des )", found.of), region.name
        assert found.arml_name.startswith("Association régionale des missions locales ")
        assert "de la région La" not in found.prefect and found.prefect.startswith("préfet de ")
        assert found.authority_signatory.startswith("président(e) ")
        assert found.accountant.startswith("directeur régional des finances publiques ")
        assert found.state_funder == f"État ({found.state_service} {region.name})"
        assert "Direccte" not in found.state_funder or not region.overseas


def test_names_are_dated():
    on = {d: names.regional_names("32", "Hauts-de-France", date.fromisoformat(d)) for d in ("2021-03-31", "2021-04-01")}
    assert on["2021-03-31"].state_service == "Direccte" and on["2021-04-01"].state_service == "DREETS"
    assert on["2021-04-01"].state_director.startswith("directeur régional de l'économie, de l'emploi, du travail")
    assert names.regional_names("04", "La Réunion", date(2021, 4, 1)).state_service == "DEETS"
    assert names.regional_names("11", "Île-de-France", date(2022, 1, 1)).state_service == "DRIEETS"
    corse = {y: names.regional_names("94", "Corse", date(y, 6, 1)).authority for y in (2017, 2018)}
    assert corse == {2017: "Collectivité territoriale de Corse", 2018: "Collectivité de Corse"}


def test_the_names_file_is_checked_against_its_schema():
    source = paths.resources().joinpath("convention", names.DATA_FILE)
    data = json.loads(source.read_text(encoding="utf-8"))
    assert names.names_from_data(copy.deepcopy(data))["regions"].keys() == data["regions"].keys()
    broken = copy.deepcopy(data)
    del broken["regions"]["04"]["authority"][0]["signatory"]
    with pytest.raises(ValidationError, match="regions/04/authority/0"):
        names.names_from_data(broken)
    broken = copy.deepcopy(data)
    broken["regions"]["32"]["of"] = "Hauts-de-France"  # no preposition
    with pytest.raises(ValidationError, match="regions/32/of"):
        names.names_from_data(broken)


@pytest.mark.parametrize(
    ("function", "civility", "expected"),
    [
        (
            "préfet de la région d'Île-de-France, préfet de Paris",
            "Mme",
            "préfète de la région d'Île-de-France, préfète de Paris",
        ),
        ("préfète de Mayotte", "M.", "préfet de Mayotte"),
        ("président(e) du conseil exécutif de Corse", "Mme", "présidente du conseil exécutif de Corse"),
        ("président(e) du conseil exécutif de Corse", "M.", "président du conseil exécutif de Corse"),
        ("Présidente", "M.", "Président"),
        ("directeur régional des entreprises", "Mme", "directrice régionale des entreprises"),
        ("le préfet de la région Grand Est", "Mme", "la préfète de la région Grand Est"),
        ("co-président", "Mme", "co-présidente"),
        ("trésorier", "Mme", "trésorier"),  # unknown words are left as typed
        ("président(e) du conseil régional", "", "président(e) du conseil régional"),
    ],
)
def test_functions_agree_with_the_civility(function, civility, expected):
    assert names.agree(function, civility) == expected


def test_civility_is_read_from_the_name():
    assert [names.civility_of(n) for n in ("Mme Hélène Marchand", "M. Laurent Vidal", "Madame X", "Jean Dupont")] == [
        "Mme",
        "M.",
        "Mme",
        "",
    ]


# -- the convention's engine -----------------------------------------------------------------------


def _context(**changes) -> cv.ConventionContext:
    ctx = cv.ConventionContext(
        region=cv.RegionInfo("04", "La Réunion", True, of="de La Réunion"),
        period=cv.Period(2021, 2023),
        prae_period=cv.Period(2021, 2023),
        arml=cv.ArmlInfo(name="Association régionale des missions locales de La Réunion"),
        state=cv.StateInfo(
            cv.Signatory("Mme Hélène Marchand", "préfet de La Réunion"),
            cv.Signatory("M. Paul Vidal", "directrice de l'économie, de l'emploi, du travail et des solidarités"),
        ),
        council=cv.CouncilInfo("Région Réunion", cv.Signatory("M. Marc Hoarau", "président(e) du conseil régional")),
        funders=(
            cv.Funder("state", "État", True, {2021: 100_00}, "etat"),
            cv.Funder("region", "Région Réunion", True, {2021: 50_00}, "region"),
            cv.Funder("financeur_5", "Cotisations des missions locales", False, {2021: 10_00}, "cotisations_ml"),
            cv.Funder("financeur_6", "Fonds européens (FSE/IEJ)", False, {2021: 20_00}, "fonds_europeens"),
            cv.Funder(
                "financeur_7", "Contributions volontaires en nature (87)", False, {2021: 5_00}, "contributions_nature"
            ),
            cv.Funder("financeur_8", "Autres", False, {2021: 5_00}, "autres"),
            cv.Funder("financeur_9", "Conseils départementaux", False, {2021: 0}, "departement"),
        ),
        signature=cv.SignatureInfo("Saint-Denis", date(2021, 6, 15)),
    )
    return replace(ctx, **changes)


def test_a_convention_dated_from_april_2021_names_the_deets_and_agrees_with_civility():
    rendered = cv.render(cv.initial_state(), _context())
    parties = flat(" ".join(cv._block_text(b) for b in rendered.parties))
    assert "Mme Hélène Marchand, préfète de La Réunion" in parties
    assert "M. Paul Vidal, directeur de l'économie, de l'emploi, du travail et des solidarités (DEETS)" in parties
    assert "M. Marc Hoarau, président du conseil régional" in parties
    assert "(Dieccte)" not in parties
    text = flat(" ".join(a.text for a in rendered.articles))
    assert "l'ordonnateur de la dépense est la préfète de La Réunion ;" in text
    assert "le comptable assignataire est le directeur régional des finances publiques de La Réunion." in text
    assert "imputée sur les crédits du programme 102 « Accès et retour à l'emploi »" in text
    before = cv.render(cv.initial_state(), _context(signature=cv.SignatureInfo("Saint-Denis", date(2021, 3, 31))))
    assert "(Dieccte)" in flat(" ".join(cv._block_text(b) for b in before.parties))


def test_the_contribution_and_payment_articles_keep_their_place_and_carry_the_new_clauses():
    rendered = cv.render(cv.initial_state(), _context())
    by_number = {a.number: a for a in rendered.articles}
    assert by_number[4].title == "Conditions de détermination du coût du programme d'actions"
    assert by_number[5].key == "contribution" and "programme 102" in by_number[5].text
    assert by_number[6].key == "versement" and "comptable assignataire" in by_number[6].text
    assert "ordonnateur" in by_number[6].text


def test_edited_budget_clauses_override_the_defaults():
    budget = cv.StateBudget("103 « Test »", "BOP 0103-DR", "02 « Autre »", "le secrétaire général", "")
    text = flat(" ".join(a.text for a in cv.render(cv.initial_state(), _context(state_budget=budget)).articles))
    assert "programme 103 « Test », BOP 0103-DR, action 02 « Autre »." in text
    assert "l'ordonnateur de la dépense est le secrétaire général ;" in text
    assert "le directeur régional des finances publiques de La Réunion." in text  # empty: the default


def test_a_masculine_authority_is_written_with_its_article():
    ctx = _context(
        region=cv.RegionInfo("06", "Mayotte", True, of="de Mayotte"),
        council=cv.CouncilInfo(
            "Département de Mayotte (exerçant les compétences régionales)",
            cv.Signatory("Mme Ada Exemple", "président(e) du conseil départemental de Mayotte"),
        ),
    )
    rendered = cv.render(cv.initial_state(), ctx)
    parties = flat(" ".join(cv._block_text(b) for b in rendered.parties))
    assert (
        "Le Département de Mayotte (exerçant les compétences régionales), représenté par Mme Ada Exemple, " in parties
    )
    assert "présidente du conseil départemental de Mayotte" in parties
    assert "ci-après désigné « le Département »" in parties
    assert "la Département" not in parties and "La Département" not in parties
    assert rendered.signatures[1].heading == "Pour le Département de Mayotte (exerçant les compétences régionales),"
    assert "entre l'État, le Département de Mayotte" in " ".join(rendered.title)


def test_the_steering_committee_is_suggested_from_the_funders_with_a_seat():
    members = cv.suggested_steering_members(_context())
    assert members[0] == "la préfète de La Réunion ou son représentant (Dieccte)"
    assert members[1] == "le président du conseil régional ou son représentant (Région Réunion)"
    joined = " ".join(members)
    assert "autorité de gestion de « Fonds européens (FSE/IEJ) »" in joined
    for absent in ("Cotisations", "Contributions volontaires", "Autres", "Conseils départementaux"):
        assert absent not in joined
    # the budget gives the convention only the funders with an amount (services.convention)
    funders = tuple(f for f in _context().funders if any(f.amounts.values()))
    checks = cv.check(cv.initial_state(), _context(funders=funders, steering=cv.Steering(members, 2)))
    assert not [c for c in checks if c.code == "steering_missing_funder"]


# -- the documents of demo PRAEs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_documents(tmp_path_factory, request):
    from pnae_desktop.catalogue.loader import shipped_catalogues

    catalogue = shipped_catalogues().default
    out = {}
    for code in EXPECTED:
        folder = tmp_path_factory.mktemp(f"region{code}")
        store = open_store(folder / "pnae.sqlite")
        try:
            prae_id = demo.create_demo(store, catalogue, code)
            docs = {
                doc: exports.export(store, prae_id, catalogue, doc, folder / name, force=True)
                for doc, name in (("convention", "c.pdf"), ("prae", "p.pdf"), ("budget", "b.xlsx"))
            }
            settings = convention_service.get_settings(store, prae_id, catalogue)
            out[code] = (docs, settings, praes.get_prae(store, prae_id))
        finally:
            store.close()
    return out


def workbook_texts(path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for ws in wb.worksheets:
        for hf in (ws.oddHeader, ws.oddFooter, ws.evenHeader, ws.evenFooter, ws.firstHeader, ws.firstFooter):
            texts += [p.text for p in (hf.left, hf.center, hf.right) if p.text]
    return texts


@pytest.mark.parametrize("code", list(EXPECTED))
def test_the_demo_convention_names_the_region_right(demo_documents, code):
    docs, _, detail = demo_documents[code]
    text = pdf_text(docs["convention"])
    prefect, authority, signatory, arml = EXPECTED[code]
    assert f"Mme Hélène Marchand, {prefect}" in text
    assert f"{authority[:1].upper()}{authority[1:]}, représenté" in text
    assert f"Mme Catherine Roussel, {signatory}" in text
    assert detail.organisation.name == arml and arml in text
    assert f"Pour {authority}," in text
    # item 5: the clauses a State jurist expects
    assert "programme 102 « Accès et retour à l'emploi »" in text
    assert f"l'ordonnateur de la dépense est la {prefect.split(',')[0]} ;" in text
    assert f"le comptable assignataire est le {ACCOUNTANT[code]}." in text
    # civility: never a woman with a masculine function, never "Présidente" before a man's name
    assert not re.search(r"Mme [^,]{2,40}, (préfet|président|directeur)\b", text)
    assert not re.search(r"M\. [^,]{2,40}, (préfète|présidente|directrice)\b", text)
    assert "de la région La Réunion" not in text and "missions locales La Réunion" not in text
    # the initials box on every page names the authority's kind, not « Région »
    if code in ("94", "06"):
        kind = {"94": "Collectivité", "06": "Département"}[code]
        raw = subprocess.run(["pdftotext", str(docs["convention"]), "-"], capture_output=True, text=True).stdout
        assert all(kind in page for page in raw.split("\f") if page.strip())


@pytest.mark.parametrize("code", [c for c in EXPECTED if c in ("04", "06")])
def test_no_overseas_document_names_the_direccte(demo_documents, code):
    docs, settings, detail = demo_documents[code]
    assert "Direccte" not in pdf_text(docs["convention"])
    assert "Direccte" not in pdf_text(docs["prae"])
    assert not [t for t in workbook_texts(docs["budget"]) if "Direccte" in t]
    region = detail.summary.region_name
    assert f"État (Dieccte {region})" in workbook_texts(docs["budget"])
    assert all("Direccte" not in (a.fields.get("partners") or "") for a in detail.actions)


def test_the_demo_steering_committee_leaves_own_resources_out(demo_documents):
    _, settings, _ = demo_documents["32"]
    members = " ".join(settings.steering.members)
    assert "Cotisations" not in members and "autorité de gestion" in members
    assert settings.steering.members[0].startswith("la préfète de la région Hauts-de-France ou son représentant")


def test_settings_stored_before_the_budget_clauses_still_read(demo_documents):
    _, settings, _ = demo_documents["11"]
    old = convention_service.settings_to_dict(settings)
    del old["state_budget"]
    del old["state"]["service"]
    back = convention_service.settings_from_dict(old)
    assert back.state_budget == cv.StateBudget() and back.state.service == ""


def test_the_prae_package_carries_the_budget_clauses(tmp_path, catalogue):
    from pnae_desktop.services import package

    source = open_store(tmp_path / "a.sqlite")
    target = open_store(tmp_path / "b.sqlite")
    try:
        prae_id = demo.create_demo(source, catalogue, "04")
        settings = convention_service.get_settings(source, prae_id, catalogue)
        edited = replace(
            settings,
            state=replace(settings.state, service="DEETS"),
            state_budget=cv.StateBudget(bop="BOP 0102-DR974", accountant="le directeur de test"),
        )
        convention_service.save_settings(source, prae_id, catalogue, edited)
        path = package.export_package(source, prae_id, tmp_path / "r.prae", app_version="test")
        copy_id = package.import_package(target, path, mode="new")
        back = convention_service.get_settings(target, copy_id, catalogue)
        assert back.state_budget == edited.state_budget and back.state.service == "DEETS"
    finally:
        source.close()
        target.close()


def test_the_arml_signatory_follows_the_person_not_annexe_3s_typo(tmp_path, catalogue):
    """Annexe 3 writes « Présidente » before Marc Kerrien: the data corrects the civility, so the
    convention never prints "Présidente" above "Marc …"; elsewhere the title gives the civility."""
    from pnae_desktop.domain.entities import NewPrae

    store = open_store(tmp_path / "a.sqlite")
    try:
        for code, expected in (("53", ("M. Marc Kerrien", "président")), ("28", ("Mme Agnès Canayer", "présidente"))):
            prae_id = praes.create_prae(store, catalogue, NewPrae(code, 2018, 2020, (1,)))
            signatory = convention_service.get_settings(store, prae_id, catalogue).arml_signatory
            assert (signatory.name, signatory.function) == expected
        assert (
            praes.get_prae(store, prae_id).organisation.name
            == "Association régionale des missions locales de Normandie"
        )
    finally:
        store.close()
