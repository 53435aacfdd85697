"""Issue 13, "one way to open a store" (findings 1, 2, 5 store creation, 8, 12 new files).

Every CLI command opens its store through `store.opening`: a path is never parsed as a URL;
reads change nothing (not even on a read-only file or folder); writes take the lock first and
refuse damaged, foreign, newer and read-only stores without writing a byte.

Read-only cases run the CLI as an unprivileged user (root ignores file permissions, and CI runs
as root): `setpriv`/`runuser` to uid 65534 when root, the current user otherwise. They are
skipped only outside CI when no such user can run the package; in CI they fail instead.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from types import SimpleNamespace

import pytest

from pnae_desktop.errors import StoreError
from pnae_desktop.services import praes
from pnae_desktop.store import database, opening
from pnae_desktop.store.lock import acquire_writer_lock
from pnae_desktop.store.schema import APPLICATION_ID

IN_CI = os.environ.get("CI", "").lower() == "true"
NOBODY = 65534


# --------------------------------------------------------------------------- helpers


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(cwd / "xdg-data")
    result = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", *args], cwd=cwd, env=env, capture_output=True, timeout=120, check=False
    )
    result.out = result.stdout.decode("utf-8")
    result.err = result.stderr.decode("utf-8")
    return result


def run_here(*args: str, cwd: Path) -> SimpleNamespace:
    """The CLI run in this process (10x faster than a subprocess for the large matrices); an
    uncaught exception becomes a "Traceback" in `err`, as a real run would print."""
    from pnae_desktop.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except Exception:  # noqa: BLE001 - reported like the interpreter would
                err.write("Traceback (most recent call last):\n" + traceback.format_exc())
                code = 1
    finally:
        os.chdir(previous)
    return SimpleNamespace(returncode=code, out=out.getvalue(), err=err.getvalue())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of `folder` (recursively) with its sha256: nothing new, nothing changed."""
    return {str(p.relative_to(folder)): sha256(p) if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


def assert_clean_refusal(result: subprocess.CompletedProcess | SimpleNamespace, expected: str | None = None) -> None:
    assert result.returncode == 2, (result.out, result.err)
    assert result.err.startswith("Erreur : "), result.err
    assert "Traceback" not in result.err
    for english in ("sqlite3.", "sqlalchemy", "OperationalError", "attempt to write", "database is locked"):
        assert english not in result.err, result.err
    if expected is not None:
        assert expected in result.err, result.err


def _site_dirs() -> list[str]:
    import site

    dirs = [p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)]
    dirs += [p for p in site.getsitepackages() if p not in dirs and os.path.isdir(p)]
    return dirs


def _bootstrap(args: tuple[str, ...]) -> str:
    project = str(Path(__file__).resolve().parents[1])
    return (
        "import runpy, site, sys\n"
        f"for d in {_site_dirs()!r}: site.addsitedir(d)\n"
        f"sys.path.append({project!r})\n"
        f"sys.argv = ['pnae-desktop', *{list(args)!r}]\n"
        "runpy.run_module('pnae_desktop', run_name='__main__', alter_sys=True)\n"
    )


def _drop_privileges_prefix() -> list[str] | None:
    if shutil.which("setpriv"):
        return [shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    if shutil.which("runuser"):
        return [shutil.which("runuser"), "-u", "nobody", "--"]
    return None


def _interpreters() -> list[str]:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, os.path.realpath(sys.executable), f"/usr/bin/python{version}"]
    found = shutil.which(f"python{version}", path="/usr/local/bin:/usr/bin:/bin")
    if found:
        candidates.append(found)
    return list(dict.fromkeys(c for c in candidates if os.path.exists(c)))


@functools.lru_cache(maxsize=1)
def _unprivileged_command() -> tuple[list[str], str | None]:
    """(command prefix up to the interpreter, None) or ([], why the read-only cases cannot run)."""
    if os.name == "nt":
        return [], "POSIX permissions only"
    if os.geteuid() != 0:
        return [sys.executable], None  # already a user the permissions apply to
    prefix = _drop_privileges_prefix()
    if prefix is None:
        return [], "root without setpriv nor runuser: no unprivileged user to run the CLI as"
    probe_dir = tempfile.mkdtemp(prefix="pnae-probe-")
    os.chmod(probe_dir, 0o755)
    try:
        for python in _interpreters():
            probe = subprocess.run(
                [*prefix, python, "-c", _bootstrap(("--version",))],
                cwd=probe_dir,
                env={"PATH": "/usr/bin:/bin", "HOME": probe_dir, "LANG": "C.UTF-8"},
                capture_output=True,
                timeout=60,
                check=False,
            )
            if probe.returncode == 0:
                return [*prefix, python], None
    finally:
        shutil.rmtree(probe_dir, ignore_errors=True)
    return [], f"no Python {sys.version_info[:2]} the unprivileged user (uid {NOBODY}) can run the package with"


def run_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the CLI as a user file permissions apply to (uid 65534 when the tests run as root)."""
    command, reason = _unprivileged_command()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"read-only cases cannot run: {reason} (never skipped in CI)")
        pytest.skip(f"read-only cases cannot run: {reason}")
    if command == [sys.executable]:
        argv = [sys.executable, "-m", "pnae_desktop", *args]
    else:
        argv = [*command, "-c", _bootstrap(args)]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "XDG_DATA_HOME": str(cwd / "xdg"), "LANG": "C.UTF-8"}
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=120, check=False)
    result.out = result.stdout.decode("utf-8")
    result.err = result.stderr.decode("utf-8")
    return result


def run_python_unprivileged(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run Python `code` (with the project importable) as a user file permissions apply to."""
    command, reason = _unprivileged_command()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"read-only cases cannot run: {reason} (never skipped in CI)")
        pytest.skip(f"read-only cases cannot run: {reason}")
    project = str(Path(__file__).resolve().parents[1])
    prelude = f"import site, sys\nfor d in {_site_dirs()!r}: site.addsitedir(d)\nsys.path.append({project!r})\n"
    argv = [*command, "-c", prelude + code]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LANG": "C.UTF-8"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def shared_tmp():
    """A temp folder the unprivileged user can enter (pytest's tmp_path is 0700 to root)."""
    folder = Path(tempfile.mkdtemp(prefix="pnae-opening-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- stores to test on


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    """A healthy demo store, its budget workbook and its package (made once, copied per test)."""
    folder = tmp_path_factory.mktemp("opening-material")
    db = folder / "source.sqlite"
    demo = run_here("demo", "--db", str(db), cwd=folder)
    assert demo.returncode == 0, demo.err
    prae_id = demo.out.splitlines()[-1]
    workbook = folder / "budget.xlsx"
    assert (
        run_here("export", "budget", "--db", str(db), "--prae", prae_id, "--out", str(workbook), cwd=folder).returncode
        == 0
    )
    package = folder / "prae.prae"
    result = run_here("package", "export", "--db", str(db), "--prae", prae_id, "--out", str(package), cwd=folder)
    assert result.returncode == 0, result.err
    (folder / "source.sqlite.lock").unlink(missing_ok=True)
    return {"db": db, "prae": prae_id, "workbook": workbook, "package": package}


def _damaged(path: Path, material) -> None:
    data = bytearray(material["db"].read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\x00\xff" * 100  # scribble over a b-tree page
    path.write_bytes(bytes(data))


def _foreign(path: Path, _material) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, nom TEXT)")
    con.execute("INSERT INTO clients VALUES (1, 'Dupont')")
    con.commit()
    con.close()


def _foreign_alembic(path: Path, _material) -> None:
    """Another application that also uses Alembic: its version table is not enough."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    con.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()


def _newer(path: Path, material) -> None:
    shutil.copyfile(material["db"], path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()


def _healthy(path: Path, material) -> None:
    shutil.copyfile(material["db"], path)


REFUSED_STORES = [
    pytest.param(_damaged, "est endommagé", id="damaged"),
    pytest.param(_foreign, "n'a pas été créée par PNAE Desktop", id="foreign"),
    pytest.param(_foreign_alembic, "n'a pas été créée par PNAE Desktop", id="foreign-alembic"),
    pytest.param(_newer, "version plus récente de PNAE Desktop", id="newer"),
]


def write_commands(material, db: Path) -> list[tuple[str, ...]]:
    return [
        ("demo", "--db", str(db)),
        ("package", "import", "--db", str(db), "--as-copy", str(material["package"])),
        ("import-budget", "--db", str(db), "--prae", material["prae"], str(material["workbook"])),
    ]


def read_commands(material, db: Path, out: Path) -> list[tuple[str, ...]]:
    prae = material["prae"]
    return [
        ("list", "--db", str(db)),
        ("show", "--db", str(db), "--prae", prae, "--format", "json"),
        ("export", "budget", "--db", str(db), "--prae", prae, "--out", str(out / "budget.xlsx")),
        ("package", "export", "--db", str(db), "--prae", prae, "--out", str(out / "copie.prae")),
        ("import-budget", "--db", str(db), "--prae", prae, "--dry-run", str(material["workbook"])),
    ]


# --------------------------------------------------------------------------- finding 1: odd names


ODD_NAMES = ["PRAE%41.sqlite", "budget?mode=ro.sqlite", "a#b.sqlite", "é t.sqlite"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_engine_opens_the_file_named_not_a_decoded_url(tmp_path, name, catalogue):
    from pnae_desktop.domain.entities import NewPrae

    neighbour = tmp_path / "PRAEA.sqlite"
    store = opening.open_for_writing(neighbour)
    praes.create_prae(store, catalogue, NewPrae("11", 2018, 2020, (1,), title="Voisin"))
    store.close()
    before = sha256(neighbour)
    odd = tmp_path / name
    store = opening.open_for_writing(odd)
    try:
        assert praes.list_praes(store) == []
        praes.create_prae(store, catalogue, NewPrae("84", 2018, 2020, (2,), title="Le bon"))
    finally:
        store.close()
    reader = opening.open_for_reading(odd)
    try:
        assert [p.title for p in praes.list_praes(reader)] == ["Le bon"]
    finally:
        reader.close()
    assert sha256(neighbour) == before
    assert sorted(os.listdir(tmp_path)) == sorted(["PRAEA.sqlite", "PRAEA.sqlite.lock", name, name + ".lock"])


@pytest.mark.parametrize("name", ODD_NAMES)
def test_every_command_works_on_its_own_odd_named_file_only(tmp_path, material, name):
    neighbour = tmp_path / "PRAEA.sqlite"
    _healthy(neighbour, material)
    before = sha256(neighbour)
    odd = tmp_path / name
    out = tmp_path / "sorties"
    out.mkdir()
    demo = run_here("demo", "--db", str(odd), "--region", "84", cwd=tmp_path)
    assert demo.returncode == 0, demo.err
    prae = demo.out.splitlines()[-1]
    listing = run_here("list", "--db", str(odd), cwd=tmp_path)
    assert listing.returncode == 0, listing.err
    assert [line.split("\t")[1] for line in listing.out.splitlines()] == ["84 Auvergne-Rhône-Alpes"]
    for args in (
        ("show", "--db", str(odd), "--prae", prae, "--format", "json"),
        ("export", "budget", "--db", str(odd), "--prae", prae, "--out", str(out / "b.xlsx")),
        ("package", "export", "--db", str(odd), "--prae", prae, "--out", str(out / "p.prae")),
        ("import-budget", "--db", str(odd), "--prae", prae, "--dry-run", str(out / "b.xlsx")),
        ("package", "import", "--db", str(odd), "--as-copy", str(out / "p.prae")),
        ("import-budget", "--db", str(odd), "--prae", prae, str(out / "b.xlsx")),
    ):
        result = run_here(*args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.err)
    listing = run_here("list", "--db", str(odd), cwd=tmp_path)
    assert [line.split("\t")[1] for line in listing.out.splitlines()] == ["84 Auvergne-Rhône-Alpes"] * 2
    assert sha256(neighbour) == before
    expected = {"PRAEA.sqlite", name, name + ".lock", "sorties"}
    assert set(os.listdir(tmp_path)) - {"xdg-data"} == expected  # no "budget", no "PRAEA.sqlite.lock"


# --------------------------------------------------------------------------- finding 8: reads change nothing


def test_read_commands_change_nothing(tmp_path, material):
    db = tmp_path / "pnae.sqlite"
    _healthy(db, material)
    out = tmp_path.parent / (tmp_path.name + "-out")
    out.mkdir()
    before = folder_state(tmp_path)
    for args in read_commands(material, db, out):
        result = run_here(*args, cwd=out)
        assert result.returncode == 0, (args, result.err)
        assert folder_state(tmp_path) == before, args


def test_a_read_keeps_a_rollback_journal_store_in_its_mode(tmp_path, material):
    db = tmp_path / "pnae.sqlite"
    _healthy(db, material)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    con.close()
    assert db.read_bytes()[18:20] == b"\x01\x01"  # rollback journal
    before = folder_state(tmp_path)
    out = tmp_path.parent / (tmp_path.name + "-out")
    out.mkdir()
    for args in read_commands(material, db, out):
        result = run_here(*args, cwd=out)
        assert result.returncode == 0, (args, result.err)
    assert folder_state(tmp_path) == before
    assert db.read_bytes()[18:20] == b"\x01\x01"  # not switched to WAL


@pytest.mark.parametrize("where", ["missing-file", "missing-folder"])
def test_a_missing_store_is_exit_2_and_nothing_is_created(tmp_path, material, where):
    db = tmp_path / "absent.sqlite" if where == "missing-file" else tmp_path / "a" / "b" / "absent.sqlite"
    out = tmp_path.parent / (tmp_path.name + "-out")
    out.mkdir()
    for args in read_commands(material, db, out):
        result = run_here(*args, cwd=out)
        assert_clean_refusal(result, f"« {db} » n'existe pas")
        assert os.listdir(tmp_path) == []
    assert "budget.xlsx" not in os.listdir(out)


def test_a_read_on_an_empty_postgresql_database_creates_no_schema(tmp_path, pg_url):
    from sqlalchemy import create_engine, inspect

    result = run_here("list", "--db-url", pg_url, cwd=tmp_path)
    assert_clean_refusal(result, "ne contient encore aucune donnée PNAE Desktop")
    assert ":***@" in result.err
    engine = create_engine(pg_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match="aucune donnée"):
        opening.open_for_reading(url=pg_url)


def test_a_read_through_a_sqlite_url_creates_nothing(tmp_path):
    db = tmp_path / "absent.sqlite"
    result = run_here("list", "--db-url", f"sqlite:///{db}", cwd=tmp_path)
    assert_clean_refusal(result, "n'existe pas")
    assert os.listdir(tmp_path) == []


def test_a_read_only_store_cannot_be_written_through_its_engine(tmp_path, material):
    db = tmp_path / "pnae.sqlite"
    _healthy(db, material)
    store = opening.open_for_reading(db)
    try:
        assert store.read_only and store.writer_lock is None
        with pytest.raises(Exception, match="readonly|read-only|query_only|attempt to write"):
            with store.engine.begin() as con:
                con.exec_driver_sql("DELETE FROM praes")
    finally:
        store.close()
    assert sorted(os.listdir(tmp_path)) == ["pnae.sqlite"]


# --------------------------------------------------------------------------- findings 2 and 8: refusals


@pytest.mark.parametrize("make, expected", REFUSED_STORES)
def test_every_command_refuses_a_bad_store_without_touching_it(tmp_path, material, make, expected):
    db = tmp_path / "pnae.sqlite"
    make(db, material)
    out = tmp_path.parent / (tmp_path.name + "-out")
    out.mkdir()
    before = folder_state(tmp_path)
    for args in write_commands(material, db) + read_commands(material, db, out):
        result = run_here(*args, cwd=out)
        assert_clean_refusal(result, expected)
        assert folder_state(tmp_path) == before, args  # not a byte, not even a lock file


def test_a_store_with_another_application_id_is_foreign(tmp_path, material):
    db = tmp_path / "pnae.sqlite"
    _healthy(db, material)
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id = 1234")
    con.commit()
    con.close()
    before = folder_state(tmp_path)
    result = run_here("demo", "--db", str(db), cwd=tmp_path)
    assert_clean_refusal(result, "n'a pas été créée par PNAE Desktop")
    assert folder_state(tmp_path) == before


# --------------------------------------------------------------------------- read-only files and folders


def _read_only_store(shared_tmp: Path, material, folder_mode: int, file_mode: int) -> tuple[Path, Path]:
    folder = shared_tmp / "donnees"
    folder.mkdir()
    db = folder / "pnae.sqlite"
    _healthy(db, material)
    for extra in ("workbook", "package"):
        shutil.copyfile(material[extra], shared_tmp / material[extra].name)
        (shared_tmp / material[extra].name).chmod(0o644)
    db.chmod(file_mode)
    folder.chmod(folder_mode)
    out = shared_tmp / "sorties"
    out.mkdir()
    out.chmod(0o777)
    return db, out


def _shared_material(material, shared_tmp: Path) -> dict:
    return {**material, "workbook": shared_tmp / "budget.xlsx", "package": shared_tmp / "prae.prae"}


@pytest.mark.parametrize(
    "folder_mode, file_mode", [(0o555, 0o444), (0o777, 0o444), (0o555, 0o666)], ids=["both", "file", "folder"]
)
def test_read_commands_work_on_read_only_stores(shared_tmp, material, folder_mode, file_mode):
    db, out = _read_only_store(shared_tmp, material, folder_mode, file_mode)
    mine = _shared_material(material, shared_tmp)
    before = folder_state(db.parent)
    for args in read_commands(mine, db, out):
        result = run_unprivileged(*args, cwd=out)
        assert result.returncode == 0, (args, result.err)
        assert folder_state(db.parent) == before, args
    assert {"budget.xlsx", "copie.prae"} <= set(os.listdir(out))


@pytest.mark.parametrize(
    "folder_mode, file_mode, expected",
    [
        (0o555, 0o444, "en lecture seule"),
        (0o777, 0o444, "pnae.sqlite » est en lecture seule"),
        (0o555, 0o666, "est en lecture seule"),
    ],
    ids=["both", "file", "folder"],
)
def test_write_commands_refuse_read_only_stores_in_french(shared_tmp, material, folder_mode, file_mode, expected):
    db, out = _read_only_store(shared_tmp, material, folder_mode, file_mode)
    mine = _shared_material(material, shared_tmp)
    before = folder_state(db.parent)
    for args in write_commands(mine, db):
        result = run_unprivileged(*args, cwd=out)
        assert_clean_refusal(result, expected)
        assert folder_state(db.parent) == before, args


def test_a_new_store_in_a_read_only_folder_is_refused_in_french(shared_tmp):
    folder = shared_tmp / "ferme"
    folder.mkdir()
    folder.chmod(0o555)
    result = run_unprivileged("demo", "--db", str(folder / "nouveau.sqlite"), cwd=shared_tmp)
    assert_clean_refusal(result, "est en lecture seule")
    assert os.listdir(folder) == []


# --------------------------------------------------------------------------- finding 5: creating a store


def test_creating_a_store_takes_the_lock_first(tmp_path):
    db = tmp_path / "nouveau.sqlite"
    holder = acquire_writer_lock(db)  # another process is creating this very store
    assert holder is not None
    try:
        result = run_here("demo", "--db", str(db), cwd=tmp_path)
    finally:
        holder.release()
    assert_clean_refusal(result, "fermez-le d'abord")
    assert not db.exists()


def test_two_processes_creating_the_same_store_one_wins_the_other_is_told_in_french(tmp_path):
    db = tmp_path / "nouveau.sqlite"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    command = [sys.executable, "-m", "pnae_desktop", "demo", "--db", str(db)]
    for _round in range(2):
        procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert any(code == 0 for code, _out, _err in results), results
        for code, _out, err in results:
            assert code in (0, 2), err
            assert "Traceback" not in err and "sqlite3" not in err
            if code == 2:
                assert err.startswith("Erreur : ") and "fermez-le d'abord" in err
    store = opening.open_for_reading(db)
    try:
        assert 2 <= len(praes.list_praes(store)) <= 4
    finally:
        store.close()


# --------------------------------------------------------------------------- identity and permissions


def _application_id(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()


def test_new_stores_carry_the_application_id(tmp_path):
    db = tmp_path / "pnae.sqlite"
    opening.open_for_writing(db).close()
    assert _application_id(db) == APPLICATION_ID == 0x504E4145


def test_an_older_store_without_the_id_is_recognised_and_marked_on_write(tmp_path, material):
    db = tmp_path / "ancien.sqlite"
    _healthy(db, material)
    con = sqlite3.connect(db)
    con.execute("PRAGMA application_id = 0")
    con.commit()
    con.close()
    reader = opening.open_for_reading(db)
    try:
        assert len(praes.list_praes(reader)) == 1
    finally:
        reader.close()
    assert _application_id(db) == 0  # a read changes nothing
    opening.open_for_writing(db).close()
    assert _application_id(db) == APPLICATION_ID


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_new_store_is_private(tmp_path, catalogue):
    from pnae_desktop.domain.entities import NewPrae

    old_umask = os.umask(0o022)
    try:
        db = tmp_path / "a" / "b" / "pnae.sqlite"
        store = opening.open_for_writing(db)
        try:
            praes.create_prae(store, catalogue, NewPrae("11", 2018, 2020, (1,)))
            with store.engine.connect() as con:  # keeps the -wal open
                con.exec_driver_sql("SELECT 1")
                assert stat.S_IMODE(os.stat(f"{db}-wal").st_mode) == 0o600
        finally:
            store.close()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_cli_creates_a_private_store(tmp_path):
    db = tmp_path / "dossier" / "pnae.sqlite"
    result = run_here("demo", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.err
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_the_gui_workspace_goes_through_the_same_checks(tmp_path, material):
    from pnae_desktop.services.workspace import Workspace

    db = tmp_path / "pnae.sqlite"
    _foreign_alembic(db, material)
    before = folder_state(tmp_path)
    with pytest.raises(StoreError, match="n'a pas été créée par PNAE Desktop"):
        Workspace(db=db).prepare()
    assert folder_state(tmp_path) == before


def test_sqlite_url_path_only_for_sqlite_files():
    assert database.sqlite_url_path("sqlite:////tmp/x%41.sqlite") == Path("/tmp/xA.sqlite")
    assert database.sqlite_url_path("sqlite:///:memory:") is None
    assert database.sqlite_url_path("postgresql+psycopg://u:p@h/db") is None


def test_a_relative_path_is_shown_as_given_and_opened_from_the_working_folder(tmp_path):
    demo = run_here("demo", "--db", "relatif #1.sqlite", cwd=tmp_path)
    assert demo.returncode == 0, demo.err
    assert demo.out.splitlines()[0] == "PRAE de démonstration créé dans relatif #1.sqlite"
    listing = run_here("list", "--db", "relatif #1.sqlite", cwd=tmp_path)
    assert listing.returncode == 0 and len(listing.out.splitlines()) == 1
    assert sorted(os.listdir(tmp_path)) == ["relatif #1.sqlite", "relatif #1.sqlite.lock"]
