"""The `pnae-desktop` command run for real, as a subprocess (`python -m pnae_desktop ...`)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from pnae_desktop import __version__
from pnae_desktop.domain.rules import siret_is_valid
from pnae_desktop.services import praes
from pnae_desktop.store.database import open_store


def run_cli(*args: str, cwd, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # Any accidental use of the default store lands in the test's folder, never in $HOME.
    env["XDG_DATA_HOME"] = str(cwd / "xdg-data")
    env.update(extra_env or {})
    result = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    # Everything the command prints must be valid UTF-8 (raises otherwise).
    result.out = result.stdout.decode("utf-8")
    result.err = result.stderr.decode("utf-8")
    return result


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- catalogue


@pytest.fixture(scope="module")
def catalogue_json(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("cli-catalogue")
    result = run_cli("catalogue", "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.err
    assert result.err == ""
    return json.loads(result.out)


def test_catalogue_json_is_the_whole_edition(catalogue_json, catalogue):
    assert catalogue_json == catalogue.raw
    assert catalogue_json["edition"]["key"] == "pnae-2018-2020"
    assert len(catalogue_json["actions"]) == 13


def test_catalogue_json_has_every_field_and_sub_action(catalogue_json, catalogue):
    by_number = {a["number"]: a for a in catalogue_json["actions"]}
    assert sorted(by_number) == list(range(1, 14))
    for action in catalogue.actions:
        data = by_number[action.number]
        assert data["title"] == action.title
        assert data["theme_label"] == action.theme_label
        assert data["fields"] == action.fields
        assert set(data["fields"]) == {
            "contexte",
            "enjeux",
            "animation",
            "co_animation",
            "arml_referentes",
            "arml_concernees",
            "acteurs",
            "dimension_territoriale",
        }
        subs = data["description"]["sub_actions"]
        assert len(subs) == len(action.description.sub_actions) > 0
        for got, expected in zip(subs, action.description.sub_actions):
            assert (got["number"], got["text"], tuple(got["points"])) == (
                expected.number,
                expected.text,
                expected.points,
            )
        assert [y["year"] for y in data["calendar"]] == [y.year for y in action.calendar]
    assert by_number[5]["fields"]["animation"] == "DMML."
    assert "mise en œuvre" in by_number[1]["title"]


def test_catalogue_text_lists_every_action_title(tmp_path, catalogue):
    result = run_cli("catalogue", "--format", "text", cwd=tmp_path)
    assert result.returncode == 0, result.err
    out = result.out
    assert out.startswith(f"{catalogue.title} ({catalogue.edition_label})\n")
    assert "Période : 2018–2020" in out
    for action in catalogue.actions:
        assert f"  {action.number}. {action.title}\n" in out
    for region in catalogue.regions:
        assert f"  {region.insee_code} {region.name} – " in out
    assert "  01 Guadeloupe – pas d'ARML" in out
    # Default format is text.
    assert run_cli("catalogue", cwd=tmp_path).out == out


def test_output_is_utf8_even_with_an_ascii_console(tmp_path):
    result = run_cli(
        "catalogue",
        "--format",
        "text",
        cwd=tmp_path,
        extra_env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"},
    )
    assert result.returncode == 0, result.err
    assert "mise en œuvre" in result.out
    assert "RÉGIONS" in result.out


def test_catalogue_unknown_edition(tmp_path):
    result = run_cli("catalogue", "--edition", "pnae-1999-2001", cwd=tmp_path)
    assert result.returncode == 2
    assert result.out == ""
    assert result.err == "Erreur : L'édition du socle commun « pnae-1999-2001 » n'est pas disponible.\n"


# --------------------------------------------------------------------------- demo and list


def test_demo_then_list(tmp_path, catalogue):
    db = tmp_path / "demo.sqlite"
    demo = run_cli("demo", "--db", str(db), cwd=tmp_path)
    assert demo.returncode == 0, demo.err
    lines = demo.out.splitlines()
    assert lines[0] == f"PRAE de démonstration créé dans {db}"
    prae_id = int(lines[-1])

    listing = run_cli("list", "--db", str(db), cwd=tmp_path)
    assert listing.returncode == 0, listing.err
    [line] = listing.out.splitlines()
    fields = line.split("\t")
    assert fields[0] == str(prae_id)
    assert fields[1] == "11 Île-de-France"
    assert fields[2] == "2018–2020"
    assert fields[3] == "Brouillon"
    assert "Île-de-France" in fields[4]

    # What the demo wrote, read back through the services.
    store = open_store(db)
    try:
        [summary] = praes.list_praes(store)
        assert summary.id == prae_id
        actions = praes.prae_actions(store, prae_id)
        expected = sorted(set(catalogue.priority_action_numbers) | {12, 13})
        assert [a.pnae_action for a in actions if not a.is_regional] == expected
        assert sum(a.is_regional for a in actions) >= 1
        org = praes.organisation(store, praes.prae_organisation_id(store, prae_id))
        assert org.region_code == "11"
        assert siret_is_valid(org.siret)
        assert org.representative_name == "CROSNIER Jacques"
    finally:
        store.close()


def test_demo_for_la_reunion(tmp_path):
    db = tmp_path / "reunion.sqlite"
    demo = run_cli("demo", "--db", str(db), "--region", "04", cwd=tmp_path)
    assert demo.returncode == 0, demo.err
    prae_id = int(demo.out.splitlines()[-1])
    listing = run_cli("list", "--db", str(db), cwd=tmp_path)
    [line] = listing.out.splitlines()
    assert line.split("\t")[:4] == [str(prae_id), "04 La Réunion", "2018–2020", "Brouillon"]
    store = open_store(db)
    try:
        org = praes.organisation(store, praes.prae_organisation_id(store, prae_id))
        assert org.region_code == "04"
        assert org.representative_name == "RIFOSTA Hermann"
    finally:
        store.close()


def test_demo_with_unknown_region_fails_in_french_and_writes_nothing(tmp_path):
    db = tmp_path / "rien.sqlite"
    result = run_cli("demo", "--db", str(db), "--region", "99", cwd=tmp_path)
    assert result.returncode != 0
    assert result.out == ""
    assert result.err == "Erreur : Code de région inconnu : « 99 ». Exemples : 11, 84, 04.\n"
    assert not db.exists()
    assert sorted(os.listdir(tmp_path)) == []


def test_list_on_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Réunion du comité de pilotage : 12 mars.\n", encoding="utf-8")
    digest = sha256(path)
    result = run_cli("list", "--db", str(path), cwd=tmp_path)
    assert result.returncode != 0
    assert result.out == ""
    assert result.err == (
        f"Erreur : « {path} » n'est pas un fichier de données PNAE Desktop "
        "(ce n'est pas une base SQLite). Le fichier n'a pas été modifié.\n"
    )
    assert sha256(path) == digest
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_list_on_a_missing_file_is_refused_and_creates_nothing(tmp_path):
    """Issue 13, finding 8: a read command changes nothing, so a missing store is exit 2 (it used
    to create an empty store; `demo` or the app creates one)."""
    db = tmp_path / "nouveau.sqlite"
    result = run_cli("list", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 2
    assert result.out == ""
    assert result.err == f"Erreur : « {db} » n'existe pas : aucun fichier de données à lire.\n"
    assert sorted(os.listdir(tmp_path)) == []


def test_demo_and_list_on_postgresql(tmp_path, pg_url):
    demo = run_cli("demo", "--db-url", pg_url, "--region", "76", cwd=tmp_path)
    assert demo.returncode == 0, demo.err
    prae_id = int(demo.out.splitlines()[-1])
    assert ":***@" in demo.out.splitlines()[0]  # the password is not printed
    listing = run_cli("list", "--db-url", pg_url, cwd=tmp_path)
    assert listing.returncode == 0, listing.err
    [line] = listing.out.splitlines()
    assert line.split("\t")[:4] == [str(prae_id), "76 Occitanie", "2018–2020", "Brouillon"]


# --------------------------------------------------------------------------- misc


def test_version(tmp_path):
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.out == f"PNAE Desktop {__version__}\n"
    assert __version__ == "0.1.0"


def test_help_is_french(tmp_path):
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "rédiger, budgéter et conventionner le PRAE" in result.out
    assert "créer un PRAE de démonstration complet" in result.out


@pytest.mark.parametrize(
    "args, error",
    [
        (
            ("catalogue", "--format", "xml"),
            "pnae-desktop catalogue : erreur : argument --format : choix invalide : 'xml'",
        ),
        (
            ("list", "--db", "a.sqlite", "--db-url", "sqlite:///b.sqlite"),
            "pnae-desktop list : erreur : argument --db-url : incompatible avec l'argument --db",
        ),
    ],
    ids=["invalid-choice", "exclusive-options"],
)
def test_usage_errors_are_french(tmp_path, args, error):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.out == ""
    assert result.err.startswith("utilisation : pnae-desktop ")
    assert error in result.err
    for english in ("usage:", "error:", "invalid choice", "not allowed with"):
        assert english not in result.err
    assert sorted(os.listdir(tmp_path)) == []  # nothing created


def test_first_launch_on_a_fresh_machine_creates_the_data_folder_and_the_demo(tmp_path):
    """The README's first command: nothing exists yet under the user's home."""
    import os

    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "APPDATA": str(home / "AppData"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    ready = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "--with-demo", "--exit-when-ready"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ready.returncode == 0, ready.stderr
    assert ready.stdout.strip().isdigit()
    listing = subprocess.run([sys.executable, "-m", "pnae_desktop", "list"], capture_output=True, text=True, env=env)
    assert "démonstration" in listing.stdout


def test_plain_gui_launch_skips_the_sub_commands_but_typos_still_get_the_full_message(capsys):
    from pnae_desktop.cli import main as cli

    assert cli._is_gui_launch(["--db", "list", "--exit-when-ready"])  # "list" is a file name here
    assert cli._is_gui_launch(["--db-url=sqlite:///x.sqlite", "--with-demo"])
    for argv in (["list"], ["-h"], ["--help"], ["--db", "x.sqlite", "lst"]):
        assert not cli._is_gui_launch(argv)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--db", "x.sqlite", "lst"])
    assert exit_info.value.code == 2
    assert "choix invalide : 'lst'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--bogus"])
    assert "arguments non reconnus : --bogus" in capsys.readouterr().err
