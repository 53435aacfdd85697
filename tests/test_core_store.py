"""The store: migrations, SQLite settings, refusal of foreign files, PRAE round trips on SQLite
and on a real PostgreSQL server, and the domain rules the services enforce before writing."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from datetime import timezone

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from pnae_desktop.catalogue.model import description_as_richtext
from pnae_desktop.domain import rules
from pnae_desktop.domain.entities import NewPrae, Organisation
from pnae_desktop.errors import StoreError, ValidationError
from pnae_desktop.services import praes
from pnae_desktop.store import migrate, schema
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import Base, PraeActionRow

# The core tables; row counts cover every mapped table, whatever later versions add.
TABLES = {"organisations", "praes", "prae_actions", "calendar_items"}


def all_tables() -> list[str]:
    return sorted(t.name for t in Base.metadata.sorted_tables)


def nothing() -> dict[str, int]:
    return dict.fromkeys(all_tables(), 0)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def row_counts(store) -> dict[str, int]:
    with store.engine.connect() as con:
        return {t: con.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in all_tables()}


def version_of(store) -> str:
    with store.engine.connect() as con:
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


# --------------------------------------------------------------------------- migrations


def test_schema_constants_match_alembic_scripts():
    assert schema.HEAD_REVISION == migrate.head_revision()
    assert sorted(schema.KNOWN_REVISIONS) == sorted(migrate.known_revisions())
    assert schema.HEAD_REVISION in schema.KNOWN_REVISIONS


def test_empty_file_is_upgraded_to_head(db_path):
    db_path.touch()
    assert db_path.stat().st_size == 0
    store = open_store(db_path)
    try:
        names = set(inspect(store.engine).get_table_names())
        assert TABLES | {"alembic_version"} <= names
        assert set(all_tables()) | {"alembic_version"} == names
        assert version_of(store) == schema.HEAD_REVISION
        assert row_counts(store) == nothing()
    finally:
        store.close()
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")


def test_missing_file_and_folders_are_created(tmp_path):
    path = tmp_path / "a" / "b" / "pnae.sqlite"
    store = open_store(path)
    try:
        assert store.path == path
        assert store.label == str(path)
        assert version_of(store) == schema.HEAD_REVISION
    finally:
        store.close()
    assert path.is_file()


def test_migrated_schema_matches_the_models(any_store):
    """The Alembic scripts produce exactly what the ORM maps (on SQLite and PostgreSQL)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with any_store.engine.connect() as con:
        context = MigrationContext.configure(con)
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert version_of(any_store) == schema.HEAD_REVISION


def test_sqlite_pragmas(sqlite_store):
    with sqlite_store.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert con.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert sqlite_store.dialect == "sqlite"


def test_foreign_keys_are_enforced(any_store):
    with pytest.raises(IntegrityError), any_store.transaction() as session:
        session.add(PraeActionRow(prae_id=424242, position=0, title="orpheline"))
    assert row_counts(any_store)["prae_actions"] == 0


def test_delete_cascades_and_restricts(any_store, catalogue):
    prae_id = praes.create_prae(any_store, catalogue, NewPrae("84", 2018, 2020, (1, 2)))
    org_id = praes.prae_organisation_id(any_store, prae_id)
    before = row_counts(any_store)
    assert before["prae_actions"] == 2 and before["calendar_items"] > 0
    # An organisation that still has a PRAE cannot be deleted.
    with pytest.raises(IntegrityError), any_store.engine.begin() as con:
        con.execute(text("DELETE FROM organisations WHERE id = :id"), {"id": org_id})
    assert row_counts(any_store) == before
    # Deleting the PRAE removes its actions and their calendar items.
    with any_store.engine.begin() as con:
        con.execute(text("DELETE FROM praes WHERE id = :id"), {"id": prae_id})
    after = row_counts(any_store)
    assert after == {**nothing(), "organisations": 1}


# --------------------------------------------------------------------------- foreign files


def _text_file(path):
    path.write_text("Ceci n'est pas une base de données.\nLigne 2 : éàü œ €\n", encoding="utf-8")


def _random_bytes(path):
    path.write_bytes(random.Random(20180101).randbytes(8192))


def _damaged_sqlite(path):
    path.write_bytes(b"SQLite format 3\x00" + random.Random(7).randbytes(4080))


def _other_app(path, wal=False):
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, nom TEXT)")
    con.execute("INSERT INTO contacts (nom) VALUES ('Dupont'), ('Durand')")
    con.commit()
    con.close()


def _other_app_wal(path):
    _other_app(path, wal=True)


def _store_with_revision(path, revision):
    from pnae_desktop.catalogue.loader import shipped_catalogues

    store = open_store(path)
    praes.create_prae(store, shipped_catalogues().default, NewPrae("11", 2018, 2020, (1,)))
    store.close()
    con = sqlite3.connect(path)
    if revision is None:
        con.execute("DELETE FROM alembic_version")
    else:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


def _newer_store(path):
    _store_with_revision(path, "9999")


def _store_without_version(path):
    _store_with_revision(path, None)


BAD_FILES = [
    pytest.param(_text_file, "n'est pas un fichier de données PNAE Desktop", id="text"),
    pytest.param(_random_bytes, "ce n'est pas une base SQLite", id="random-bytes"),
    pytest.param(_damaged_sqlite, "est illisible ou endommagé", id="damaged-sqlite"),
    pytest.param(_other_app, "n'a pas été créée par PNAE Desktop", id="other-app"),
    pytest.param(_other_app_wal, "n'a pas été créée par PNAE Desktop", id="other-app-wal"),
    pytest.param(_newer_store, "version plus récente de PNAE Desktop (schéma « 9999 »)", id="newer"),
    pytest.param(_store_without_version, "n'indique pas sa version de schéma", id="no-version"),
]


@pytest.mark.parametrize("make, expected", BAD_FILES)
def test_bad_file_is_refused_and_left_unchanged(tmp_path, make, expected):
    path = tmp_path / "donnees.sqlite"
    make(path)
    digest, size, mtime = sha256(path), path.stat().st_size, path.stat().st_mtime_ns
    with pytest.raises(StoreError) as info:
        open_store(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "n'a pas été modifié" in message
    assert sha256(path) == digest
    assert path.stat().st_size == size
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_text_file, id="text"),
        pytest.param(_random_bytes, id="random-bytes"),
        pytest.param(_damaged_sqlite, id="damaged-sqlite"),
        pytest.param(_other_app, id="other-app"),
        pytest.param(_other_app_wal, id="other-app-wal"),
        pytest.param(_newer_store, id="newer"),
        pytest.param(_store_without_version, id="no-version"),
    ],
)
def test_refused_file_gets_no_wal_or_shm_sidecar(tmp_path, make):
    path = tmp_path / "donnees.sqlite"
    make(path)
    before = sorted(os.listdir(tmp_path))
    assert before == ["donnees.sqlite"]
    with pytest.raises(StoreError):
        open_store(path)
    assert sorted(os.listdir(tmp_path)) == before


def test_store_in_use_elsewhere_is_read_with_its_wal(db_path, catalogue):
    """While another connection holds the store open, recent commits live in the -wal file:
    the read-only inspection and the start-up listing must see them."""
    from pnae_desktop.store import sqlite_file

    first = open_store(db_path)
    try:
        prae_id = praes.create_prae(first, catalogue, NewPrae("24", 2018, 2020, (2,)))
        with first.engine.connect() as con:  # keeps the WAL alive
            con.exec_driver_sql("SELECT 1")
            assert os.path.exists(f"{db_path}-wal")
            assert sqlite_file.list_praes(db_path) == praes.list_praes(first)
            second = open_store(db_path)
            try:
                assert [p.id for p in praes.list_praes(second)] == [prae_id]
            finally:
                second.close()
    finally:
        first.close()


def test_newer_revision_still_in_the_wal_is_refused(db_path):
    open_store(db_path).close()
    con = sqlite3.connect(db_path)  # the store is in WAL mode: this commit stays in the -wal
    try:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.commit()
        assert os.path.getsize(f"{db_path}-wal") > 0
        with pytest.raises(StoreError, match="schéma « 9999 »"):
            open_store(db_path)
    finally:
        con.close()


def test_directory_is_refused_and_left_unchanged(tmp_path):
    folder = tmp_path / "dossier.sqlite"
    folder.mkdir()
    (folder / "note.txt").write_text("à garder", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        open_store(folder)
    assert str(info.value) == f"« {folder} » est un dossier, pas un fichier de données PNAE Desktop."
    assert sorted(os.listdir(folder)) == ["note.txt"]
    assert sorted(os.listdir(tmp_path)) == ["dossier.sqlite"]


def test_reopening_a_store_keeps_its_data(db_path, catalogue):
    store = open_store(db_path)
    prae_id = praes.create_prae(store, catalogue, NewPrae("53", 2019, 2021, (5,), title="PRAE Bretagne"))
    praes.add_regional_action(store, prae_id, "Action régionale œcuménique", animation="ARML.")
    first = praes.list_praes(store)
    store.close()

    again = open_store(db_path)
    try:
        assert praes.list_praes(again) == first
        assert [a.title for a in praes.prae_actions(again, prae_id)] == [
            catalogue.action(5).title,
            "Action régionale œcuménique",
        ]
        assert version_of(again) == schema.HEAD_REVISION
    finally:
        again.close()


def test_startup_listing_equals_service_listing(db_path, catalogue):
    """store.sqlite_file.list_praes (standard library, used at start-up) and the service agree."""
    from pnae_desktop.store import sqlite_file

    store = open_store(db_path)
    try:
        first = praes.create_prae(store, catalogue, NewPrae("11", 2018, 2020, (1, 2, 13)))
        praes.create_prae(store, catalogue, NewPrae("04", 2018, 2018, ()))
        praes.add_regional_action(store, first, "Observatoire")
        expected = praes.list_praes(store)
    finally:
        store.close()
    assert len(expected) == 2
    assert sqlite_file.list_praes(db_path) == expected


# --------------------------------------------------------------------------- PostgreSQL specifics


def test_postgres_database_with_foreign_tables_is_refused(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as con:
        con.execute(text("CREATE TABLE clients (id integer primary key, nom text)"))
        con.execute(text("INSERT INTO clients VALUES (1, 'Dupont')"))
    try:
        with pytest.raises(StoreError, match="contient des tables qui ne viennent pas de PNAE Desktop"):
            open_store(url=pg_url)
        assert set(inspect(engine).get_table_names()) == {"clients"}
    finally:
        engine.dispose()


def test_postgres_store_of_a_newer_version_is_refused(pg_url, catalogue):
    store = open_store(url=pg_url)
    praes.create_prae(store, catalogue, NewPrae("11", 2018, 2020, (1,)))
    with store.engine.begin() as con:
        con.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StoreError, match=r"version plus récente de PNAE Desktop \(schéma « 9999 »\)") as info:
        open_store(url=pg_url)
    password = create_engine(pg_url).url.password
    assert password and f":{password}@" not in str(info.value)  # the label hides the password
    assert ":***@" in str(info.value)
    engine = create_engine(pg_url)
    with engine.connect() as con:
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999"
        assert con.execute(text("SELECT count(*) FROM praes")).scalar_one() == 1
    engine.dispose()


def test_postgres_store_reopened_keeps_data(pg_url, catalogue):
    store = open_store(url=pg_url)
    prae_id = praes.create_prae(store, catalogue, NewPrae("76", 2018, 2020, (8,)))
    first = praes.list_praes(store)
    store.close()
    again = open_store(url=pg_url)
    try:
        assert again.dialect == "postgresql"
        assert praes.list_praes(again) == first
        assert [a.pnae_action for a in praes.prae_actions(again, prae_id)] == [8]
    finally:
        again.close()


def test_unreachable_server_gives_a_french_error():
    # The server, named without its password, and what to check (store.team.connection_message).
    with pytest.raises(
        StoreError, match=r"^Le serveur de « postgresql\+psycopg://personne:\*\*\*@127.0.0.1:1/rien » ne répond pas"
    ):
        open_store(url="postgresql+psycopg://personne:secret@127.0.0.1:1/rien")


# --------------------------------------------------------------------------- PRAE round trip


def test_prae_round_trip(any_store, catalogue):
    new = NewPrae(
        region_code="84",
        start_year=2018,
        end_year=2020,
        pnae_actions=(13, 1, 5, 5),  # unordered, with a duplicate
        title="  PRAE Auvergne-Rhône-Alpes – « concerté »  ",
    )
    prae_id = praes.create_prae(any_store, catalogue, new)
    regional_id = praes.add_regional_action(
        any_store,
        prae_id,
        "  Observatoire régional des parcours  ",
        contexte="Données I-milo riches, peu d'analyses partagées.",
        animation="ARML – chargée de mission.",
    )
    assert isinstance(regional_id, int)

    [summary] = praes.list_praes(any_store)
    assert summary.id == prae_id
    assert summary.title == "PRAE Auvergne-Rhône-Alpes – « concerté »"
    assert (summary.region_code, summary.region_name) == ("84", "Auvergne-Rhône-Alpes")
    assert (summary.start_year, summary.end_year, summary.period_label) == (2018, 2020, "2018–2020")
    assert (summary.status, summary.status_label) == ("brouillon", "Brouillon")
    assert summary.action_count == 4
    assert summary.catalogue_edition == catalogue.key
    assert summary.organisation_name == "Association régionale des missions locales d'Auvergne-Rhône-Alpes"
    for stamp in (summary.created_at, summary.updated_at):
        assert stamp.tzinfo is not None and stamp.utcoffset() == timezone.utc.utcoffset(None)
    assert summary.updated_at >= summary.created_at

    actions = praes.prae_actions(any_store, prae_id)
    assert [a.position for a in actions] == [0, 1, 2, 3]
    assert [a.pnae_action for a in actions] == [1, 5, 13, None]
    assert [a.is_regional for a in actions] == [False, False, False, True]
    for declined in actions[:3]:
        source = catalogue.action(declined.pnae_action)
        assert declined.title == source.title
        assert declined.theme_label == source.theme_label
        for key, value in source.fields.items():
            assert declined.fields[key] == value, (source.number, key)
        assert declined.fields["description"] == description_as_richtext(source.description)
        assert declined.territorial_levels == source.territorial_levels
        assert [(m.year, m.text) for m in declined.milestones] == [
            (year.year, item) for year in source.calendar for item in year.items
        ]
        assert declined.calendar_note == source.calendar_intro
    assert actions[1].fields["animation"] == "DMML."
    assert actions[2].fields["co_animation"] is None
    regional = actions[3]
    assert regional.id == regional_id
    assert regional.title == "Observatoire régional des parcours"
    assert regional.theme_label == "Action régionale"
    assert regional.fields["animation"] == "ARML – chargée de mission."
    assert regional.fields["enjeux"] is None
    assert regional.milestones == () and regional.territorial_levels == ()

    org_id = praes.prae_organisation_id(any_store, prae_id)
    org = praes.organisation(any_store, org_id)
    assert org.region_code == "84"
    assert org.representative_name == "FIARD Marylène"
    assert org.representative_title == "Présidente"
    assert org.siret is None
    saved = Organisation(
        id=org_id,
        name="  ARML Auvergne-Rhône-Alpes  ",
        acronym="ARML AURA",
        address="12, rue de la République – Lyon",
        siret="732 829 320 00074",
        representative_name="FIARD Marylène",
        representative_title="Présidente",
        email="contact@arml-aura.fr",
        phone="04 00 00 00 00",
        region_code="84",
    )
    assert praes.save_organisation(any_store, saved) == org_id
    back = praes.organisation(any_store, org_id)
    assert back.name == "ARML Auvergne-Rhône-Alpes"
    assert back.siret == "73282932000074"
    assert back.address == "12, rue de la République – Lyon"
    assert back.legal_form == "Association loi 1901"
    assert [p.organisation_name for p in praes.list_praes(any_store)] == ["ARML Auvergne-Rhône-Alpes"]

    # A second PRAE of the same region reuses its ARML.
    second = praes.create_prae(any_store, catalogue, NewPrae("84", 2021, 2023, ()))
    assert praes.prae_organisation_id(any_store, second) == org_id
    assert row_counts(any_store)["organisations"] == 1
    assert [p.id for p in praes.list_praes(any_store)] == [second, prae_id]


def test_declined_calendar_keeps_only_the_prae_years(sqlite_store, catalogue):
    prae_id = praes.create_prae(sqlite_store, catalogue, NewPrae("11", 2019, 2019, (1, 4)))
    one, four = praes.prae_actions(sqlite_store, prae_id)
    assert [(m.year, m.text) for m in one.milestones] == [
        (2019, item) for item in catalogue.action(1).calendar[1].items
    ]
    assert len(one.milestones) == 2
    assert four.milestones == ()  # action 4 has nothing planned in 2019
    later = praes.create_prae(sqlite_store, catalogue, NewPrae("11", 2020, 2023, (4,)))
    [four_later] = praes.prae_actions(sqlite_store, later)
    assert [(m.year, m.text) for m in four_later.milestones] == [(2020, "À définir avec les ARML.")]


def test_new_organisation_is_created_by_save(any_store):
    org_id = praes.save_organisation(any_store, Organisation(id=None, name="ARML Corse", region_code="94"))
    assert praes.organisation(any_store, org_id) == Organisation(id=org_id, name="ARML Corse", region_code="94")


def test_unknown_prae_and_organisation_ids(any_store):
    with pytest.raises(ValidationError, match="Aucun PRAE n° 999 dans ce fichier"):
        praes.prae_actions(any_store, 999)
    with pytest.raises(ValidationError, match="Aucun PRAE n° 999"):
        praes.add_regional_action(any_store, 999, "Titre")
    with pytest.raises(ValidationError, match="Aucune organisation n° 999"):
        praes.organisation(any_store, 999)
    assert row_counts(any_store) == nothing()


# --------------------------------------------------------------------------- rules before writing


@pytest.mark.parametrize("start, end", [(2018, 2018), (2018, 2019), (2018, 2020), (2018, 2021)])
def test_period_of_one_to_four_years_is_accepted(sqlite_store, catalogue, start, end):
    prae_id = praes.create_prae(sqlite_store, catalogue, NewPrae("11", start, end, (1,)))
    [summary] = praes.list_praes(sqlite_store)
    assert (summary.id, summary.start_year, summary.end_year) == (prae_id, start, end)


@pytest.mark.parametrize(
    "start, end, message",
    [
        (2018, 2017, "L'année de fin doit suivre ou égaler l'année de début."),  # 0 year
        (2020, 2018, "L'année de fin doit suivre ou égaler l'année de début."),  # reversed
        (2018, 2022, "Un PRAE couvre de 1 à 4 ans (ici 5 ans, de 2018 à 2022)."),
        (1999, 2001, "La période doit être comprise entre 2000 et 2100."),
    ],
    ids=["zero-years", "reversed", "five-years", "implausible"],
)
def test_bad_period_is_refused_and_nothing_written(sqlite_store, catalogue, start, end, message):
    with pytest.raises(ValidationError) as info:
        praes.create_prae(sqlite_store, catalogue, NewPrae("11", start, end, (1,)))
    assert str(info.value) == message
    assert info.value.field == "period"
    assert row_counts(sqlite_store) == nothing()


def test_unknown_region_or_action_is_refused_and_nothing_written(any_store, catalogue):
    praes.create_prae(any_store, catalogue, NewPrae("11", 2018, 2020, (1,)))
    before = row_counts(any_store)
    with pytest.raises(ValidationError) as info:
        praes.create_prae(any_store, catalogue, NewPrae("99", 2018, 2020, (1,)))
    assert str(info.value) == "Région inconnue : code INSEE « 99 »."
    assert info.value.field == "region"
    assert row_counts(any_store) == before
    with pytest.raises(ValidationError) as info:
        praes.create_prae(any_store, catalogue, NewPrae("11", 2018, 2020, (1, 14, 0)))
    assert str(info.value) == "Action(s) du PNAE inconnue(s) dans « PNAE 2018-2020 » : [14, 0]."
    assert info.value.field == "actions"
    assert row_counts(any_store) == before


def test_regional_action_needs_a_title_and_known_fields(sqlite_store, catalogue):
    prae_id = praes.create_prae(sqlite_store, catalogue, NewPrae("11", 2018, 2020, ()))
    before = row_counts(sqlite_store)
    with pytest.raises(ValidationError, match="Le champ « Intitulé » ne peut pas être vide.") as info:
        praes.add_regional_action(sqlite_store, prae_id, "   ")
    assert info.value.field == "title"
    with pytest.raises(ValidationError, match="Champ\\(s\\) inconnu\\(s\\) : \\['budget'\\]"):
        praes.add_regional_action(sqlite_store, prae_id, "Titre", budget="10 000 €")
    assert row_counts(sqlite_store) == before


# --------------------------------------------------------------------------- SIRET

# Luhn-valid SIRETs checked by hand: INSEE's own example (732 829 320 00074), two real
# company head offices, and a La Poste establishment (SIREN 356000000: digit sum multiple of 5).
VALID_SIRETS = ["73282932000074", "44306184100047", "55210055400013", "35600000049837"]


@pytest.mark.parametrize("siret", VALID_SIRETS + ["732 829 320 00074"])
def test_valid_sirets(siret):
    assert rules.siret_is_valid(siret)
    assert rules.check_siret(siret) == siret.replace(" ", "")


@pytest.mark.parametrize("siret", [s for s in VALID_SIRETS if not s.startswith("356000000")])
def test_any_single_digit_change_is_detected(siret):
    """Luhn catches every single-digit error (La Poste's digit-sum rule does not: +-5 passes)."""
    for position in range(14):
        for digit in "0123456789":
            if digit == siret[position]:
                continue
            changed = siret[:position] + digit + siret[position + 1 :]
            if changed.startswith("356000000"):
                continue  # entering La Poste's SIREN changes the rule itself
            assert not rules.siret_is_valid(changed), changed


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000075",
        "7328293200007",
        "732829320000740",
        "7328293200007A",
        "35600000049838",
        "00000000000001",
    ],
)
def test_invalid_sirets(siret):
    assert not rules.siret_is_valid(siret)
    with pytest.raises(ValidationError) as info:
        rules.check_siret(siret)
    assert info.value.field == "siret"
    assert str(info.value) == (f"SIRET « {siret} » invalide : 14 chiffres attendus, avec une clé de contrôle correcte.")


def test_empty_siret_is_allowed():
    assert rules.check_siret(None) is None
    assert rules.check_siret("") is None
    assert rules.check_siret("   ") is None


def test_la_poste_head_office_siret_is_valid():
    """La Poste's head office is the one SIRET of SIREN 356000000 that follows Luhn rather
    than the digit-sum rule (its digits sum to 26)."""
    assert rules.siret_is_valid("35600000000048")
    assert rules.check_siret("356 000 000 00048") == "35600000000048"


def test_invalid_siret_refused_by_save_organisation_and_nothing_changed(any_store, catalogue):
    prae_id = praes.create_prae(any_store, catalogue, NewPrae("28", 2018, 2020, ()))
    org_id = praes.prae_organisation_id(any_store, prae_id)
    good = praes.organisation(any_store, org_id)
    praes.save_organisation(any_store, Organisation(**{**good.__dict__, "siret": "44306184100047", "email": "a@b.fr"}))
    before = praes.organisation(any_store, org_id)
    counts = row_counts(any_store)
    for bad in ("44306184100048", "4430618410004", "SIRET"):
        changed = Organisation(**{**before.__dict__, "siret": bad, "name": "Autre nom", "email": "x@y.fr"})
        with pytest.raises(ValidationError) as info:
            praes.save_organisation(any_store, changed)
        assert info.value.field == "siret"
        assert praes.organisation(any_store, org_id) == before
    with pytest.raises(ValidationError, match="Le champ « Nom » ne peut pas être vide."):
        praes.save_organisation(any_store, Organisation(id=None, name=" ", siret="44306184100047"))
    assert row_counts(any_store) == counts
    assert before.siret == "44306184100047" and before.email == "a@b.fr"


def test_demo_sirets_are_valid(catalogue):
    from pnae_desktop.services.demo import demo_siret

    sirets = {r.insee_code: demo_siret(r.insee_code) for r in catalogue.regions}
    assert all(rules.siret_is_valid(s) and len(s) == 14 for s in sirets.values())
    assert len(set(sirets.values())) == len(sirets)  # one per region
