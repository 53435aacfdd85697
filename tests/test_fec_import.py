"""Import of the realised year from the FEC and from a simple file (issue 17, item 2), through
the real CLI on a real SQLite store: the demo's shipped FEC imports; every accepted variant
reads the same; each defect is refused with a French message naming its line, exit 2, and the
store left exactly as it was (its whole SQL dump compared)."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from pnae_desktop.cli.main import main
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.fec_mapping import parse_mapping_csv
from pnae_desktop.domain.realised_import import Entry, PraeTargets, classify
from pnae_desktop.exports.fec import COLUMNS, read_fec
from pnae_desktop.services import demo_followup, praes
from pnae_desktop.services import followup as service
from pnae_desktop.store.database import open_store

SHIPPED_FEC = Path(demo_followup.resource(demo_followup.FEC_NAME))
SHIPPED_MAPPING = Path(demo_followup.resource(demo_followup.MAPPING_NAME))


@pytest.fixture
def store_path(demo_file, tmp_path) -> Path:
    path = tmp_path / "pnae.sqlite"
    path.write_bytes(demo_file.read_bytes())
    return path


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_shipped_demo_fec_is_the_demo_prae_s(store_path):
    store = open_store(store_path)
    try:
        fec, mapping = demo_followup.demo_fec(store, 1, 2018)
    finally:
        store.close()
    assert SHIPPED_FEC.read_bytes() == fec.encode("iso8859-15")
    assert SHIPPED_MAPPING.read_text(encoding="utf-8") == mapping


def test_demo_carries_a_realised_2018_with_gaps_some_explained(store_path, capsys):
    code, out, _ = run(capsys, "show", "--db", str(store_path), "--prae", "1", "--format", "json")
    assert code == 0
    year = json.loads(out)["realised"]["years"]["2018"]
    assert {r["status"] for r in year["reports"]} == {"realisee", "en_cours", "reportee", "abandonnee"}
    assert sum(1 for i in year["indicators"] if i["realised"] is not None) >= 10
    gaps = year["gaps"]
    lines = gaps["charges"] + gaps["financing"]
    explained = [g for g in lines if g["explanation"]]
    assert len(explained) == 2 and gaps["unexplained"] == 2
    assert sum(Decimal(c["amount"]) for c in year["charges"]) == Decimal(gaps["realised_total"])
    assert gaps["execution_rate"] == "94.81"
    assert year["contributions"] and year["others"]


def test_import_fec_dry_run_then_apply_with_the_shipped_mapping(store_path, capsys):
    store = open_store(store_path)
    with store.transaction():
        a1 = praes.get_prae(store, 1).actions[0].id
        service.set_realised_charges(store, 1, 2018, [], source="fec")  # as if never imported
    store.close()
    before = dump(store_path)
    args = ["import-fec", "--db", str(store_path), "--prae", "1", "--year", "2018", str(SHIPPED_FEC)]
    code, out, _ = run(capsys, *args, "--mapping", str(SHIPPED_MAPPING), "--dry-run")
    assert code == 0 and "Rien n'a été appliqué" in out
    assert "Ligne 98 : écriture du 10/01/2019 hors de l'année 2018" in out
    assert "compte 69 ignorée" in out and "ISO 8859-15" in out
    assert dump(store_path) == before
    code, out, _ = run(capsys, *args, "--mapping", str(SHIPPED_MAPPING))
    assert code == 0 and "Réalisé 2018 importé." in out
    store = open_store(store_path)
    try:
        charges = [c for c in service.load_followup(store, 1).charges if c.action_id == a1]
    finally:
        store.close()
    assert sorted((c.account, c.amount_cents) for c in charges) == [
        ("613200", 120000),
        ("625100", 300000),
        ("641100", 1040000),
    ]


def _fec(*lines: str, header: tuple[str, ...] = COLUMNS, sep: str = "\t") -> bytes:
    return ("\n".join([sep.join(header), *lines]) + "\n").encode("utf-8")


def _line(
    number: str, day: str, account: str, debit: str, credit: str, label: str = "Achat", journal: str = "AC", sep="\t"
) -> str:
    cells = [
        journal,
        "Achats",
        number,
        day,
        account,
        "Compte",
        "",
        "",
        "P1",
        day,
        label,
        debit,
        credit,
        "",
        "",
        day,
        "",
        "",
    ]
    return sep.join(cells)


GOOD = (_line("1", "20180315", "625100", "100,00", "0"), _line("1", "20180315", "401000", "0", "100,00"))


def import_fec(store_path: Path, tmp_path: Path, capsys, data: bytes, mapping_csv: str) -> tuple[int, str, str]:
    """`import-fec` of `data` into PRAE 1's 2018 with the mapping `mapping_csv`, as typed."""
    fec, mapping = tmp_path / "FEC.txt", tmp_path / "m.csv"
    fec.write_bytes(data)
    mapping.write_text(mapping_csv, encoding="utf-8")
    args = ["--db", str(store_path), "--prae", "1", "--year", "2018", str(fec), "--mapping", str(mapping)]
    return run(capsys, "import-fec", *args)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _fec(*GOOD, header=("Journal", *COLUMNS[1:])),
            "Ligne 1 : colonnes du FEC inattendues — colonne 1 « Journal »",
        ),
        (_fec(*GOOD, header=COLUMNS[:17]), "Ligne 1 : colonnes du FEC inattendues"),
        (
            _fec(GOOD[0], _line("1", "20180315", "401000", "0", "90,00")),
            "Ligne 2 : écriture 1 du journal AC déséquilibrée",
        ),
        (_fec(GOOD[0], _line("1", "20180315", "401000", "0", "90,00")), "Fichier entier : déséquilibré"),
        (_fec(_line("1", "20181315", "625100", "100,00", "0"), GOOD[1]), "Ligne 2 : date d'écriture « 20181315 »"),
        (_fec(_line("1", "15/03/2018", "625100", "100,00", "0"), GOOD[1]), "Ligne 2 : date d'écriture"),
        (_fec(GOOD[0], _line("1", "20180315", "401000", "0", "1e2")), "Ligne 3 : crédit « 1e2 » invalide"),
        (_fec(_line("1", "20180315", "625100", "1 000,00", "0"), GOOD[1]), "Ligne 2 : débit « 1 000,00 » invalide"),
        (_fec(_line("1", "20180315", "625100", "10,005", "0"), GOOD[1]), "Ligne 2 : débit « 10,005 » invalide"),
        (_fec(GOOD[0], GOOD[1] + "\tx\ty"), "Ligne 3 : 20 colonnes au lieu de 18"),
        (_fec(_line("1", "20180315", "X625", "100,00", "0"), GOOD[1]), "Ligne 2 : numéro de compte « X625 »"),
        (
            _fec(_line("1", "20180315", "625100", "100,00", "0", label="a\x07b"), GOOD[1]),
            "Ligne 2 : caractère de contrôle",
        ),
        (
            _fec(
                GOOD[0],
                GOOD[1],
                _line("3", "20180316", "606000", "5,00", "0"),
                _line("3", "20180316", "401000", "0", "5,00"),
            ),
            "Ligne 4 : aucune règle",
        ),
        (
            _fec(
                GOOD[0],
                GOOD[1],
                _line("4", "20180316", "512000", "5,00", "0"),
                _line("4", "20180316", "706000", "0", "5,00"),
            ),
            "Ligne 5 : aucune règle de la table de correspondance (colonne funder) pour le produit 706000",
        ),
        (b"", "Ligne 1 : fichier vide"),
        (_fec(_line("1", "20180315", "625100", "1" * 5000, "0"), GOOD[1]), "Ligne 2 : débit « 111"),
        (_fec(_line("1", "20180315", "625100", "١٠٠,٠٠", "0"), GOOD[1]), "Ligne 2 : débit « ١٠٠,٠٠ » invalide"),
        (_fec(_line("1", "20180315", "625100", "1E2", "0"), GOOD[1]), "Ligne 2 : débit « 1E2 » invalide"),
        (
            _fec(_line("1", "20180315", "62５100", "100,00", "0"), GOOD[1]),
            "Ligne 2 : compte « 62５100 » : des chiffres",
        ),
        (_fec(_line("1", "2018031５", "625100", "100,00", "0"), GOOD[1]), "Ligne 2 : date d'écriture"),
    ],
)
def test_each_fec_defect_is_refused_by_line_and_the_store_is_unchanged(store_path, tmp_path, capsys, data, message):
    before = dump(store_path)
    code, _, err = import_fec(
        store_path, tmp_path, capsys, data, "match,pattern,action,share\naccount,625,1,60\naccount,625,2,40\n"
    )
    assert code == 2
    assert message in err, err
    assert "rien n'a été appliqué" in err
    assert dump(store_path) == before


def test_bad_mapping_is_refused_by_line(store_path, tmp_path, capsys):
    before = dump(store_path)
    code, _, err = import_fec(
        store_path, tmp_path, capsys, _fec(*GOOD), "match,pattern,action,share\naccount,625,1,60\naccount,62x,2,40\n"
    )
    assert code == 2 and "Table de correspondance, ligne 3 : un motif de compte" in err
    assert dump(store_path) == before


def _targets() -> PraeTargets:
    return PraeTargets.of((11, 12, 13), {1: "État", 2: "Région"})


def test_variants_read_the_same_entries():
    lines = (GOOD[0], GOOD[1])
    base = read_fec(_fec(*lines))
    assert not base.errors and len(base.entries) == 1 and base.balance_lines == 1  # 401000: balance only
    pipe = read_fec(_fec(*(line.replace("\t", "|") for line in lines), sep="|"))
    bom = read_fec(b"\xef\xbb\xbf" + _fec(*lines))
    point = read_fec(_fec(*(line.replace("100,00", "100.00") for line in lines)))
    latin = read_fec(_fec(*(line.replace("Achat", "Dépense") for line in lines)).decode().encode("iso8859-15"))
    sens_header = (*COLUMNS[:11], "Montant", "Sens", *COLUMNS[13:])
    sens = read_fec(
        _fec(
            _line("1", "20180315", "625100", "100,00", "D"),
            _line("1", "20180315", "401000", "100,00", "C"),
            header=sens_header,
        )
    )
    crlf = read_fec(_fec(*lines).replace(b"\n", b"\r\n"))
    tab_in_label = read_fec(_fec(*(line.replace("\t", "|").replace("Achat", "A\tB") for line in lines), sep="|"))
    assert tab_in_label.errors[0] == "Ligne 2 : caractère de contrôle dans la ligne (fichier abîmé ?)."
    for variant in (pipe, bom, point, sens, crlf, latin):
        assert not variant.errors, variant.errors
        assert [(e.account, e.debit_cents, e.credit_cents) for e in variant.entries] == [("625100", 10000, 0)]
        assert (variant.debit_cents, variant.credit_cents, variant.balance_lines) == (10000, 10000, 1)
    assert latin.entries[0].label == "Dépense" and latin.encoding == "ISO 8859-15"
    assert sens.variant == "Montant/Sens" and pipe.separator == "|"


def test_extra_analytic_column_and_priorities():
    header = (*COLUMNS, "CodeAnalytique")
    fec = read_fec(
        _fec(
            _line("1", "20180315", "625100", "100,00", "0", label="Séminaire régional") + "\tAX",
            _line("1", "20180315", "625100", "10,00", "0", label="Séminaire régional") + "\t",
            _line("1", "20180315", "625100", "0,01", "0", label="Taxi") + "\t",
            _line("1", "20180315", "401000", "0", "110,01") + "\t",
            header=header,
        )
    )
    assert not fec.errors and fec.entries[0].analytic == "AX"
    rules = parse_mapping_csv(
        "match,pattern,action,share\nanalytic,AX,1,100\nlabel,séminaire,2,100\n"
        "account,6251,3,50\naccount,6251,1,50\naccount,62,1,100\n",
        3,
    )
    result = classify(fec.entries, rules, _targets(), 2018)
    assert not result.errors
    by_action: dict[int, int] = {}
    for c in result.charges:
        by_action[c.action_id] = by_action.get(c.action_id, 0) + c.amount_cents
    # AX → 1 (100,00); label → 2 (10,00); 0,01 split 50/50 by largest remainder → the first rule.
    assert by_action == {11: 10000, 12: 1000, 13: 1}


def test_opening_entries_classes_1_to_5_and_69_are_left_out():
    entries = [
        Entry(2, "AN", "1", _d(2018, 1, 1), "625100", "", "Report", 500, 0),
        Entry(3, "OD", "2", _d(2018, 1, 1), "606000", "", "Solde à nouveau", 500, 0),
        Entry(4, "BQ", "3", _d(2018, 2, 1), "512000", "", "Banque", 500, 0),
        Entry(5, "OD", "4", _d(2018, 12, 31), "695000", "", "Impôt", 120, 0),
        Entry(6, "OD", "5", _d(2018, 12, 31), "689400", "", "Engagements à réaliser", 300, 0),
        Entry(7, "OD", "5", _d(2018, 12, 31), "789400", "", "Report des ressources", 0, 200),
        Entry(8, "BQ", "6", _d(2018, 6, 1), "741000", "", "Subvention", 0, 1001),
        Entry(9, "OD", "7", _d(2018, 12, 31), "870000", "", "Bénévolat", 0, 700),
    ]
    rules = (
        fu.MappingRule("account", "74", 1, Decimal(50), "État"),
        fu.MappingRule("account", "74", 2, Decimal(50), "État"),
    )
    result = classify(entries, rules, _targets(), 2018)
    assert not result.errors and result.charges == []
    assert result.ignored == 4 and any("compte 69" in note for note in result.notes)
    assert [(o.account, o.amount_cents) for o in result.others] == [("689400", 300), ("789400", 200)]
    assert [(f.funder_id, f.action_id, f.amount_cents) for f in result.financing] == [(1, 11, 501), (1, 12, 500)]
    assert [(c.account, c.amount_cents) for c in result.contributions] == [("870000", 700)]


def _d(y: int, m: int, d: int):
    from datetime import date

    return date(y, m, d)


def test_import_realised_from_csv_and_xlsx(store_path, tmp_path, capsys):
    csv_file = tmp_path / "realise.csv"
    csv_file.write_text(
        "action;account;label;year;amount\n1;6251;Déplacements;2018;1 234,56\n;741;État (Direccte Île-de-France);2018;1000\n"
        ";864;Bénévolat;2018;50,5\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "import-realised", "--db", str(store_path), "--prae", "1", "--year", "2018", str(csv_file)
    )
    assert code == 0, err
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Action", "Compte", "Libellé", "Année", "Montant"])
    ws.append([2, "6064", "Fournitures", 2018, 99.99])
    xlsx = tmp_path / "realise.xlsx"
    wb.save(xlsx)
    code, out, err = run(capsys, "import-realised", "--db", str(store_path), "--prae", "1", "--year", "2018", str(xlsx))
    assert code == 0, err
    store = open_store(store_path)
    try:
        followup = service.load_followup(store, 1)
    finally:
        store.close()
    imported = [c for c in followup.charges if c.source == "import"]
    assert [(c.account, c.amount_cents) for c in imported] == [("6064", 9999)]  # the xlsx replaced the csv's
    assert any(c.source == "fec" for c in followup.charges)  # the FEC's stay


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("action,account,label,year\n", "Ligne 1 : colonne(s) amount absente(s)"),
        ("action,account,label,year,amount\n1,6251,X,2019,10\n", "Ligne 2 : année 2019 au lieu de 2018"),
        ("action,account,label,year,amount\n99,6251,X,2018,10\n", "Ligne 2 : action n° 99 inconnue"),
        ("action,account,label,year,amount\n1,6251,X,2018,10\n1,6251,X,2018,dix\n", "Ligne 3 : montant « dix »"),
        ("action,account,label,year,amount\n,741,Inconnu,2018,10\n", "Ligne 2 : financeur « Inconnu » inconnu"),
        ("action,account,label,year,amount\n,512,Banque,2018,10\n", "Ligne 2 : compte 512 hors du suivi"),
        ("action,account,label,year,amount\n١,6251,X,2018,10\n", "Ligne 2 : numéro d'action « ١ » invalide"),
        ("action,account,label,year,amount\n1,6251,X,2018," + "9" * 5000 + "\n", "Ligne 2 : montant"),
        ("action,account,label,year,amount\n1,6251,X,2018,1e3\n", "Ligne 2 : montant « 1e3 »"),
        ("action,account,label,year,amount\n1,6251,X,٢٠١٨,10\n", "Ligne 2 : année"),
    ],
)
def test_bad_simple_file_is_refused_by_line(store_path, tmp_path, capsys, text, message):
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    before = dump(store_path)
    code, _, err = run(capsys, "import-realised", "--db", str(store_path), "--prae", "1", "--year", "2018", str(path))
    assert code == 2 and message in err, err
    assert dump(store_path) == before


def test_import_fec_on_postgresql_then_undo_through_the_session(pg_url, capsys, catalogue):
    from pnae_desktop.services.realised_import import prepare_fec
    from pnae_desktop.services.session import PraeSession

    assert main(["demo", "--db-url", pg_url]) == 0
    capsys.readouterr()
    bad = SHIPPED_FEC.read_bytes().replace(b"45000,00", b"45000,01", 1)  # one à-nouveau line off by a cent
    store = open_store(url=pg_url)
    try:
        prepared = prepare_fec(store, 1, 2018, bad, SHIPPED_MAPPING.read_text(encoding="utf-8"))
        assert prepared.errors and prepared.errors[0].startswith(
            "Ligne 2 : écriture AN00001 du journal AN déséquilibrée"
        )
        before = service.load_followup(store, 1)
        session = PraeSession(store, catalogue, 1)
        edited = (
            SHIPPED_FEC.read_bytes()
            .replace(b"3000,00\t0,00", b"3100,00\t0,00", 1)
            .replace(b"0,00\t3000,00", b"0,00\t3100,00", 1)
        )
        prepared = prepare_fec(store, 1, 2018, edited, SHIPPED_MAPPING.read_text(encoding="utf-8"))
        assert prepared.ok, prepared.errors
        session.apply(prepared.edit())
        after = service.load_followup(store, 1)
        assert sum(c.amount_cents for c in after.charges) == sum(c.amount_cents for c in before.charges) + 10000
        session.undo()
        assert service.load_followup(store, 1) == before
    finally:
        store.close()
