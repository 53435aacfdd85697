"""The thorough, read-only health check behind `pnae-desktop check`.

Beyond SQLite's own `PRAGMA integrity_check` (which also compares every index with its table)
it checks what SQLite cannot know: that the file is a store of this app (its tables, its
Alembic version row, its `application_id`), that its schema is one this version knows, that
every text value is valid UTF-8, that no unique line of the budget exists twice (scanning the
tables, not the indexes, which may be out of step), that references agree (foreign keys, and
the same PRAE on both sides of a link).

Never writes: the file is opened through `integrity.connect_readonly` (immutable when there is
no WAL), so a read-only file or folder is checked like any other. Standard library only, apart
from the backup listing used to say whether a backup can replace a damaged file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from pnae_desktop.store.backup.listing import BackupInfo, list_backups
from pnae_desktop.store.backup.names import backups_dir
from pnae_desktop.store.integrity import (
    HEADER_SIZE,
    MAX_PROBLEMS,
    SQLITE_HEADER,
    connect_readonly,
    header_problem,
    sqlite_error,
)
from pnae_desktop.store.schema import APPLICATION_ID, KNOWN_REVISIONS

# An application_id of 0 is an older store, recognised by its tables and Alembic version table.
VERSION_TABLE = "alembic_version"
# The tables every store of this app has had since its first schema.
APP_TABLES = frozenset(
    {
        "organisations",
        "praes",
        "prae_actions",
        "funders",
        "charge_lines",
        "financing_lines",
        "structural_costs",
        "allocation_keys",
        "allocation_shares",
        "missions_locales",
        "action_missions_locales",
        "action_objectives",
        "indicators",
        "indicator_targets",
        "calendar_items",
        "conventions",
    }
)
# French names of the lines, for the messages.
TABLE_LABELS = {
    "charge_lines": "ligne de charge",
    "financing_lines": "ligne de financement",
    "structural_costs": "coût de structure",
    "calendar_items": "étape du calendrier",
    "allocation_shares": "part de clé de répartition",
    "praes": "PRAE",
}
# Links whose two sides must belong to the same PRAE: (French description, query returning the
# offending rowids).
SAME_PRAE_LINKS = (
    (
        "ligne de financement dont le financeur appartient à un autre PRAE que l'action",
        "SELECT f.rowid FROM financing_lines f JOIN prae_actions a ON a.id = f.action_id "
        "JOIN funders u ON u.id = f.funder_id WHERE u.prae_id <> a.prae_id",
        "financing_lines",
    ),
    (
        "part de clé de répartition dont l'action appartient à un autre PRAE",
        "SELECT s.rowid FROM allocation_shares s JOIN prae_actions a ON a.id = s.action_id "
        "WHERE a.prae_id <> s.prae_id",
        "allocation_shares",
    ),
    (
        "mission locale liée à une action d'un autre PRAE",
        "SELECT l.rowid FROM action_missions_locales l JOIN prae_actions a ON a.id = l.action_id "
        "JOIN missions_locales m ON m.id = l.mission_locale_id WHERE m.prae_id <> a.prae_id",
        "action_missions_locales",
    ),
)

HEALTHY, DAMAGED, UNCHECKABLE = 0, 1, 2  # the exit codes of `check`


@dataclass
class HealthReport:
    path: Path
    status: int = HEALTHY
    problems: list[str] = field(default_factory=list)
    backups: list[BackupInfo] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.status

    def add(self, problem: str) -> None:
        if self.status == HEALTHY:
            self.status = DAMAGED
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def refuse(self, problem: str) -> HealthReport:
        """The file cannot be checked at all (missing, unreadable, not SQLite)."""
        self.status = UNCHECKABLE
        self.problems.append(problem)
        return self

    @property
    def usable_backups(self) -> list[BackupInfo]:
        """Backups whose content could be read (the candidates for a restoration)."""
        return [info for info in self.backups if info.prae_count is not None]

    def advice(self) -> list[str]:
        """French lines saying whether a backup can replace the file (empty when healthy)."""
        if self.status == HEALTHY:
            return []
        usable = self.usable_backups
        if not usable:
            return [
                f"Aucune sauvegarde lisible de « {self.path.name} » dans « {backups_dir(self.path)} » : "
                "aucune sauvegarde ne peut le remplacer. Le fichier n'a pas été modifié."
            ]
        lines = [
            f"Une sauvegarde peut le remplacer : {len(usable)} sauvegarde(s) dans « {backups_dir(self.path)} » "
            "(restauration depuis la fenêtre des sauvegardes de PNAE Desktop ; le fichier actuel est "
            "d'abord mis de côté). Le fichier n'a pas été modifié."
        ]
        lines += [f"- {info.path.name} : {info.description}" for info in usable[:5]]
        return lines


def check_store(path: Path | str) -> HealthReport:
    """Check the store file `path` thoroughly, without writing anything."""
    path = Path(path).expanduser()
    report = HealthReport(path)
    try:
        if not path.exists():
            return report.refuse(f"« {path} » est introuvable.")
        if path.is_dir():
            return report.refuse(f"« {path} » est un dossier, pas un fichier de données PNAE Desktop.")
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(HEADER_SIZE)
    except OSError as exc:
        return report.refuse(f"« {path} » ne peut pas être lu : {exc.strerror or exc}.")
    if size == 0:
        report.add(f"« {path} » est vide (0 octet) : il ne contient aucune donnée PNAE Desktop.")
    elif header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        return report.refuse(f"« {path} » n'est pas une base SQLite : ce n'est pas un fichier de données PNAE Desktop.")
    else:
        problem = header_problem(path, header, size)
        if problem:
            report.add(problem)
        else:
            _check_content(path, report)
    if report.status != HEALTHY:
        report.backups = list_backups(path)
    return report


def _check_content(path: Path, report: HealthReport) -> None:
    try:
        con = connect_readonly(path)
    except sqlite3.Error as exc:
        report.refuse(sqlite_error(path, exc))
        return
    try:
        _run_checks(con, path, report)
    except sqlite3.Error as exc:
        message = sqlite_error(path, exc)
        lowered = str(exc).lower()
        if "locked" in lowered or "busy" in lowered or "unable to open" in lowered:
            report.refuse(message)
        else:
            report.add(message)
    finally:
        con.close()


def _run_checks(con: sqlite3.Connection, path: Path, report: HealthReport) -> None:
    for (message,) in con.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall():
        if message != "ok":
            report.add(f"« {path} » est endommagé : {message}")
    tables = {str(row[0]) for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    known_schema = _check_identity(con, path, tables, report)
    _check_foreign_keys(con, path, report)
    _check_text(con, path, tables, report)
    _check_unique_lines(con, path, tables, report)
    if known_schema:
        _check_same_prae(con, path, report)


def _check_identity(con: sqlite3.Connection, path: Path, tables: set[str], report: HealthReport) -> bool:
    """Is this a store of this app, at a schema this version knows? True when its tables can be
    checked against the app's rules."""
    app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
    ours = tables & APP_TABLES
    if app_id not in (0, APPLICATION_ID) or (VERSION_TABLE not in tables and not ours):
        shown = ", ".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5]) or "aucune table"
        report.add(
            f"« {path} » est une base SQLite d'une autre application ({shown}) : "
            "ce n'est pas un fichier de données PNAE Desktop."
        )
        return False
    if VERSION_TABLE not in tables:
        report.add(f"« {path} » n'indique pas sa version de schéma (table « {VERSION_TABLE} » absente).")
        return False
    versions = [str(row[0]) for row in con.execute(f"SELECT version_num FROM {VERSION_TABLE}")]
    if not versions:
        report.add(f"« {path} » n'indique pas sa version de schéma (aucune ligne dans « {VERSION_TABLE} »).")
        return False
    if len(versions) > 1:
        report.add(f"« {path} » indique plusieurs versions de schéma ({', '.join(versions)}).")
        return False
    if versions[0] not in KNOWN_REVISIONS:
        report.add(
            f"« {path} » a été créé par une version plus récente de PNAE Desktop (schéma « {versions[0]} ») : "
            "mettez l'application à jour pour le vérifier et l'ouvrir."
        )
        return False
    missing = sorted(APP_TABLES - tables)
    if missing:
        report.add(f"« {path} » est incomplet : table(s) absente(s) : {', '.join(missing)}.")
        return False
    return True


def _check_foreign_keys(con: sqlite3.Connection, path: Path, report: HealthReport) -> None:
    for table, rowid, parent, _fkid in con.execute("PRAGMA foreign_key_check").fetchall()[:MAX_PROBLEMS]:
        report.add(f"« {path} » : table « {table} », ligne n° {rowid} : référence vers « {parent} » introuvable.")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _user_tables(tables: set[str]) -> list[str]:
    return sorted(t for t in tables if not t.startswith("sqlite_"))


def _rowid_expression(con: sqlite3.Connection, table: str) -> str:
    try:
        con.execute(f"SELECT rowid FROM {_quote(table)} LIMIT 0")
    except sqlite3.OperationalError:
        return "NULL"  # a WITHOUT ROWID table
    return "rowid"


def _check_text(con: sqlite3.Connection, path: Path, tables: set[str], report: HealthReport) -> None:
    """Every text value must decode as UTF-8 (the app would crash reading it)."""
    queries = []
    for table in _user_tables(tables):
        columns = [str(row[1]) for row in con.execute(f"PRAGMA table_info({_quote(table)})")]
        if columns:
            picks = ", ".join(f"CASE WHEN typeof({_quote(c)}) = 'text' THEN {_quote(c)} END" for c in columns)
            queries.append((table, columns, f"SELECT {_rowid_expression(con, table)}, {picks} FROM {_quote(table)}"))
    con.text_factory = bytes  # raw bytes, decoded here, so a bad value is named instead of raising
    try:
        for table, columns, query in queries:
            for row in con.execute(query):
                for column, value in zip(columns, row[1:]):
                    if isinstance(value, bytes) and not _decodes(value):
                        report.add(
                            f"« {path} » : table « {table} », ligne n° {row[0]}, colonne « {column} » : "
                            "texte illisible (ce n'est pas de l'UTF-8 valide)."
                        )
    finally:
        con.text_factory = str


def _decodes(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unique_indexes(con: sqlite3.Connection, table: str) -> list[tuple[str, list[str]]]:
    """(index name, columns) of the full unique indexes of `table` (expression indexes aside)."""
    found = []
    for _seq, name, unique, _origin, partial in con.execute(f"PRAGMA index_list({_quote(table)})"):
        if not unique or partial:
            continue
        columns = [row[2] for row in con.execute(f"PRAGMA index_info({_quote(name)})")]
        if columns and all(isinstance(c, str) for c in columns):
            found.append((str(name), [str(c) for c in columns]))
    return found


def _check_unique_lines(con: sqlite3.Connection, path: Path, tables: set[str], report: HealthReport) -> None:
    """Duplicates of a unique line, found by scanning the table itself (NOT INDEXED): an index
    out of step with its table hides them from SQLite's constraint checks."""
    for table in _user_tables(tables):
        rowid = _rowid_expression(con, table)
        for index, columns in _unique_indexes(con, table):
            cols = ", ".join(_quote(c) for c in columns)
            not_null = " AND ".join(f"{_quote(c)} IS NOT NULL" for c in columns)
            query = (
                f"SELECT {cols}, group_concat({rowid}, ', ') FROM {_quote(table)} NOT INDEXED "
                f"WHERE {not_null} GROUP BY {cols} HAVING count(*) > 1 LIMIT {MAX_PROBLEMS}"
            )
            for row in con.execute(query):
                values = ", ".join(f"{c} = {v!r}" for c, v in zip(columns, row[:-1]))
                label = TABLE_LABELS.get(table, "ligne")
                report.add(
                    f"« {path} » : {label} en double dans « {table} » ({values}) : lignes n° {row[-1]} "
                    f"(l'index « {index} » ne correspond plus à la table)."
                )


def _check_same_prae(con: sqlite3.Connection, path: Path, report: HealthReport) -> None:
    for description, query, table in SAME_PRAE_LINKS:
        for (rowid,) in con.execute(f"{query} LIMIT {MAX_PROBLEMS}"):
            report.add(f"« {path} » : table « {table} », ligne n° {rowid} : {description}.")
