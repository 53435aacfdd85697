"""The scripting API (pnae_desktop.api) on a real SQLite file holding the demo PRAE."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pnae_desktop import api
from pnae_desktop.cli import main as cli
from pnae_desktop.services import demo
from pnae_desktop.store.opening import open_for_writing


@pytest.fixture
def store_path(tmp_path, catalogue) -> Path:
    path = tmp_path / "équipe 1.sqlite"
    store = open_for_writing(db=path)
    try:
        demo.create_demo(store, catalogue, demo.DEFAULT_REGION)
    finally:
        store.close()
    return path


def charge(snap: dict, action: int, account: str, label: str, year: int) -> str | None:
    action_id = snap["actions"][action - 1]["id"]
    for line in snap["budget"]["charges"]:
        if (line["action_id"], line["account"], line["label"], line["year"]) == (action_id, account, label, year):
            return line["amount"]
    return None


def test_praes_are_id_title_region_with_integer_ids(store_path):
    with api.open(store_path) as store:
        praes = store.praes()
    assert len(praes) == 1
    prae_id, title, region = praes[0]
    assert type(prae_id) is int and title and region == demo.DEFAULT_REGION


def test_a_path_is_never_parsed_and_a_url_is_a_url(store_path, tmp_path):
    odd = tmp_path / "a:b" / "x.sqlite"  # a colon, but no "://": a file path
    with api.open(odd) as store:
        assert store.praes() == []
    assert odd.exists()
    with api.open(str(store_path)) as store:
        assert store.praes()
    with pytest.raises(api.StoreError):
        api.open("postgresql+psycopg://nobody:wrong@127.0.0.1:1/none")


def test_snapshot_is_exactly_show_json(store_path, capsys):
    with api.open(store_path) as store:
        prae_id = store.praes()[0][0]
        with store.session(prae_id) as session:
            snap = session.snapshot()
    assert cli.main(["show", "--db", str(store_path), "--prae", str(prae_id), "--format", "json"]) == 0
    assert snap == json.loads(capsys.readouterr().out)
    assert [a["position"] for a in snap["actions"]] == list(range(len(snap["actions"])))


def test_set_charge_undo_redo_and_remove(store_path):
    with api.open(store_path) as store:
        with store.session(store.praes()[0][0]) as s:
            s.set_charge(3, "62", "Frais API", 2019, "1 500,00")
            assert charge(s.snapshot(), 3, "62", "Frais API", 2019) == "1500.00"
            s.set_charge(3, "62", "Frais API", 2019, Decimal("12.5"))
            assert charge(s.snapshot(), 3, "62", "Frais API", 2019) == "12.50"
            assert s.undo()
            assert charge(s.snapshot(), 3, "62", "Frais API", 2019) == "1500.00"
            assert s.redo()
            s.set_charge(3, "62", "Frais API", 2019, None)
            assert charge(s.snapshot(), 3, "62", "Frais API", 2019) is None
            s.set_fiche_field(3, "pilot", "Claire Martin")
            assert s.snapshot()["actions"][2]["pilot"] == "Claire Martin"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.set_charge(99, "62", "Frais", 2019, "10"), "Action n° 99 inconnue"),
        (lambda s: s.set_charge(0, "62", "Frais", 2019, "10"), "Action n° 0 inconnue"),
        (lambda s: s.set_charge(1, "62", "Frais", 2019, "15OO"), "Action 1, compte 62, « Frais », 2019"),
        (lambda s: s.set_charge(1, "62", "Frais", 2019, 15.0), "Action 1, compte 62, « Frais », 2019"),
        (lambda s: s.set_charge(1, "62", "Frais", 2019, "-5"), "négatif"),
        (lambda s: s.set_charge(1, "62", "Frais", 2031, "5"), "2031"),
        (lambda s: s.set_fiche_field(1, "bogus", "x"), "Champ de fiche inconnu"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(store_path, call, message):
    with api.open(store_path) as store:
        with store.session(store.praes()[0][0]) as s:
            before = s.snapshot()
            with pytest.raises(api.ValidationError) as exc:
                call(s)
            assert message in str(exc.value)
            assert s.snapshot() == before
            assert not s.undo()


def test_unknown_prae_is_refused(store_path):
    with api.open(store_path) as store, pytest.raises(api.ValidationError, match="Aucun PRAE n° 42"):
        store.session(42)


def test_an_edit_on_a_value_changed_since_the_snapshot_is_a_conflict(store_path):
    with api.open(store_path) as store:
        prae_id = store.praes()[0][0]
        a, b = store.session(prae_id), store.session(prae_id)
        a.snapshot()
        b.snapshot()
        b.set_charge(2, "62", "Frais de mission", 2019, "800")
        with pytest.raises(api.ConflictError) as exc:
            a.set_charge(2, "62", "Frais de mission", 2019, "900")
        assert exc.value.theirs == {"amount": Decimal("800.00")}
        assert exc.value.mine == {"amount": Decimal("900.00")}
        assert "entre-temps" in str(exc.value)
        assert charge(b.snapshot(), 2, "62", "Frais de mission", 2019) == "800.00"  # theirs kept
        a.set_charge(2, "62", "Frais API", 2019, "5")  # another cell: no conflict
        a.snapshot()
        a.set_charge(2, "62", "Frais de mission", 2019, "900")  # on their value, after a snapshot
        assert charge(a.snapshot(), 2, "62", "Frais de mission", 2019) == "900.00"
        with pytest.raises(api.ConflictError):
            b.undo()  # b's edit was overwritten since: undo refuses
        assert charge(a.snapshot(), 2, "62", "Frais de mission", 2019) == "900.00"
