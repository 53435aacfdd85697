"""The `pnae-desktop` command: the GUI by default, sub-commands for batch work.

Both paths call the same services; Qt is imported only when the GUI starts. Each command
imports what it needs inside its function, so a plain GUI launch loads none of it (start-up
time is measured from the first line of this module).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()

import argparse
import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

from pnae_desktop import __version__
from pnae_desktop.cli import sign_command
from pnae_desktop.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path

    from pnae_desktop.catalogue.loader import CatalogueSet
    from pnae_desktop.catalogue.model import Catalogue
    from pnae_desktop.store.database import Store


def _store_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_mutually_exclusive_group()
    group.add_argument("--db", metavar="FICHIER", help="fichier de données SQLite à ouvrir")
    group.add_argument("--db-url", metavar="URL", help="toute URL SQLAlchemy (ex. postgresql+psycopg://…)")
    return parent


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The full parser; without the sub-commands for a plain GUI launch (building them all costs
    ~8 ms of start-up, and that command line has none)."""
    from pnae_desktop.cli import french_argparse  # start-up: only once arguments are parsed

    french_argparse.install()
    store = _store_options()
    parser = argparse.ArgumentParser(
        prog="pnae-desktop",
        description="PNAE Desktop : rédiger, budgéter et conventionner le PRAE d'une ARML, hors ligne.",
        parents=[store],
    )
    parser.add_argument("--version", action="version", version=f"PNAE Desktop {__version__}")
    parser.add_argument(
        "--with-demo",
        action="store_true",
        help="créer le PRAE de démonstration si le fichier de données n'en contient aucun",
    )
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="ouvrir la fenêtre, attendre qu'elle soit prête, afficher le temps écoulé (ms) et quitter",
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    _add_commands(parser, store)
    return parser


_FORCE_HELP = "remplacer le fichier s'il existe déjà (jamais le fichier de données ni un fichier SQLite)"


def _add_commands(parser: argparse.ArgumentParser, store: argparse.ArgumentParser) -> None:
    """The sub-commands; `store` is the parent parser of the --db / --db-url options."""
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    cat = sub.add_parser("catalogue", help="afficher le socle commun PNAE chargé")
    cat.add_argument("--format", choices=("json", "text"), default="text")
    cat.add_argument("--edition", metavar="CLÉ", help="édition à afficher (par défaut la plus récente)")

    demo = sub.add_parser("demo", parents=[store], help="créer un PRAE de démonstration complet")
    demo.add_argument("--region", metavar="CODE_INSEE", default=None, help="code INSEE de la région (ex. 11)")
    demo.add_argument(
        "--fec-out",
        metavar="FEC.txt",
        help="écrire aussi le FEC 2018 de ce PRAE (et sa table de correspondance, FEC-correspondance.csv) "
        "pour essayer import-fec",
    )

    sub.add_parser("list", parents=[store], help="lister les PRAE (id, région, période, statut)")
    sub.add_parser("init", parents=[store], help="initialiser une base d'équipe vide (ou un fichier de données)")

    sub.add_parser("check", parents=[store], help="vérifier l'intégrité d'un fichier de données")

    export = sub.add_parser("export", parents=[store], help="exporter la convention, le PRAE ou le budget")
    export.add_argument(
        "document", choices=("convention", "prae", "budget", "avenant", "compte-rendu", "bilan", "evaluation")
    )
    export.add_argument("--prae", metavar="ID", type=int, required=True)
    export.add_argument("--out", metavar="CHEMIN", required=True)
    export.add_argument("--force", action="store_true", help=_FORCE_HELP)
    export.add_argument(
        "--year", metavar="ANNÉE", type=int, help="année de l'avenant financier annuel, du compte rendu ou du bilan"
    )

    imp = sub.add_parser(
        "import-budget",
        parents=[store],
        help="relire un classeur budgétaire exporté (et modifié) et appliquer les différences",
    )
    imp.add_argument("--prae", metavar="ID", type=int, required=True)
    imp.add_argument("workbook", metavar="CLASSEUR.xlsx")
    imp.add_argument("--dry-run", action="store_true", help="lister les différences sans rien appliquer")

    package = sub.add_parser("package", help="échanger un PRAE hors ligne (fichier .prae)")
    package_sub = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    pexport = package_sub.add_parser("export", parents=[store], help="écrire un PRAE dans un fichier .prae")
    pexport.add_argument("--prae", metavar="ID", type=int, required=True)
    pexport.add_argument("--out", metavar="FICHIER.prae", required=True)
    pexport.add_argument("--force", action="store_true", help=_FORCE_HELP)
    pimport = package_sub.add_parser("import", parents=[store], help="importer un fichier .prae")
    pimport.add_argument("file", metavar="FICHIER.prae")
    mode = pimport.add_mutually_exclusive_group()
    mode.add_argument("--as-copy", action="store_true", help="importer comme copie si le PRAE existe déjà")
    mode.add_argument(
        "--replace", action="store_true", help="remplacer le PRAE existant (une sauvegarde est faite avant)"
    )

    show = sub.add_parser("show", parents=[store], help="afficher un PRAE complet")
    show.add_argument("--prae", metavar="ID", type=int, required=True)
    show.add_argument("--format", choices=("json", "text"), default="text")

    sign_command.add_sign_parser(sub, store)

    from pnae_desktop.cli import versions_cmds  # start-up: only when the sub-commands are built

    versions_cmds.add_commands(sub, store)

    from pnae_desktop.cli import followup_commands  # start-up: only when sub-commands are built

    followup_commands.add_commands(sub, store)


def _store_path(args: argparse.Namespace) -> Path:
    """The SQLite file the command works on: --db (a path, never parsed as a URL), else the
    user's default store."""
    from pnae_desktop.store.opening import store_file  # start-up: commands only

    return store_file(args.db)


def _open(args: argparse.Namespace, write: bool = False, initialise: bool = False) -> Store:
    """The one store opener: a read opens an existing store read-only and changes nothing; a
    write takes the writer lock first, refuses damaged, foreign, newer and read-only stores
    (StoreError, exit 2) and only then creates or upgrades the store."""
    from pnae_desktop.store import opening  # start-up: commands only

    if write:
        from pnae_desktop.services.team import migration_backup  # start-up: write commands only

        store = opening.open_for_writing(db=args.db, url=args.db_url, initialise=initialise, backup=migration_backup)
        _say_what_opening_did(store)
        return store
    return opening.open_for_reading(db=args.db, url=args.db_url)


def _say_what_opening_did(store: Store) -> None:
    """An empty team database initialised, or a migration's backup: said, never silent."""
    if store.initialised:
        print(f"Base initialisée pour PNAE Desktop : {store.label}")
    if store.migration_backup is not None:
        print(f"Base mise à niveau ; sauvegarde faite avant : {store.migration_backup}")


@contextmanager
def _opened(args: argparse.Namespace, write: bool = False, initialise: bool = False) -> Iterator[Store]:
    """The store, open for the block and closed after it (a write's lock released with it).
    `initialise`: an empty team database gets its tables (init, and commands that create data)."""
    store = _open(args, write=write, initialise=initialise)
    try:
        yield store
    finally:
        store.close()


def _catalogues() -> CatalogueSet:
    from pnae_desktop.catalogue.loader import shipped_catalogues  # start-up: jsonschema, commands only

    return shipped_catalogues()


def _catalogue(args: argparse.Namespace) -> Catalogue:
    catalogues = _catalogues()
    for problem in catalogues.problems:
        print(f"Attention : {problem}", file=sys.stderr)
    return catalogues.get(args.edition) if getattr(args, "edition", None) else catalogues.default


def cmd_catalogue(args: argparse.Namespace) -> int:
    from pnae_desktop.catalogue import outline  # start-up: each command imports its own modules

    catalogue = _catalogue(args)
    sys.stdout.write(outline.as_json(catalogue) + "\n" if args.format == "json" else outline.as_text(catalogue))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pnae_desktop.services import demo  # start-up: each command imports its own modules

    catalogue = _catalogue(args)
    region = args.region or demo.DEFAULT_REGION
    try:
        catalogue.region(region)
    except KeyError:
        raise UserError(f"Code de région inconnu : « {region} ». Exemples : 11, 84, 04.") from None
    with _opened(args, write=True, initialise=True) as store:
        prae_id = demo.create_demo(store, catalogue, region)
        if args.fec_out:
            from pnae_desktop.services import demo_followup  # start-up: this option only

            for written in demo_followup.write_demo_fec(store, prae_id, args.fec_out):
                print(f"Écrit : {written}")
    print(f"PRAE de démonstration créé dans {store.label}")
    print(prae_id)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Give an empty team database (or a new file) its tables; an existing store is only checked."""
    with _opened(args, write=True, initialise=True) as store:
        if not store.initialised:
            print(f"Déjà initialisée : {store.label}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from pnae_desktop.services import praes  # start-up: each command imports its own modules

    with _opened(args) as store:
        for p in praes.list_praes(store):
            print(f"{p.id}\t{p.region_code} {p.region_name}\t{p.period_label}\t{p.status_label}\t{p.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from pnae_desktop.exports import serialize  # start-up: each command imports its own modules
    from pnae_desktop.services import prae_json, praes
    from pnae_desktop.services.snapshot import load_snapshot  # start-up: as above

    with _opened(args) as store:
        snap = load_snapshot(store, args.prae, _catalogues().get(praes.catalogue_edition(store, args.prae)))
        from pnae_desktop.services.next_year import closed_years  # start-up: as above

        closed = closed_years(store, args.prae)
    if args.format == "json":  # the same document as the scripting API's snapshot() (services.prae_json)
        print(prae_json.snapshot_to_json(snap, closed))
    else:
        sys.stdout.write(serialize.prae_to_text(snap.detail))
    return 0


def cmd_import_budget(args: argparse.Namespace) -> int:
    from pnae_desktop.services import edits, praes, workbook_import  # start-up: openpyxl, this command only
    from pnae_desktop.services.session import PraeSession, take_baseline

    with _opened(args, write=not args.dry_run) as store:
        # The rows as they are before the workbook is compared: a colleague's import committed
        # meanwhile makes this one a conflict instead of applying over it.
        baseline = take_baseline(store, args.prae)
        changes = workbook_import.read_budget_workbook(args.workbook, store, args.prae)
        for change in changes:
            print(change.description)
        if not changes:
            print("Aucune différence avec le budget du PRAE.")
        elif args.dry_run:
            print(f"{len(changes)} différence(s) ; rien n'a été appliqué (--dry-run).")
        else:
            # The same edit as the Budget page's: all of the workbook in one transaction, or nothing.
            catalogue = _catalogues().get(praes.catalogue_edition(store, args.prae))
            session = PraeSession(store, catalogue, args.prae, baseline=baseline)
            session.apply(edits.ApplyWorkbook("Reprendre un classeur budgétaire", tuple(changes)))
            print(f"{len(changes)} différence(s) appliquée(s).")
    return 0


def cmd_package(args: argparse.Namespace) -> int:
    from pnae_desktop.services import package  # start-up: each command imports its own modules

    if args.package_command == "export":
        with _opened(args) as store:
            out = package.export_package(store, args.prae, args.out, app_version=__version__, overwrite=args.force)
        print(out)
        return 0
    mode: Literal["new", "copy", "replace"] = "copy" if args.as_copy else "replace" if args.replace else "new"
    store_path = None if args.db_url else _store_path(args)
    with _opened(args, write=True, initialise=True) as store:
        prae_id = package.import_package(store, args.file, mode=mode, store_path=store_path)
    print(f"PRAE importé : n° {prae_id}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 when the store is healthy, 1 with the damage found, 2 when it cannot be checked
    (missing, unreadable, not SQLite); says whether a backup can replace it. Only reads."""
    from pnae_desktop.store import health  # start-up: each command imports its own modules

    path = _store_path(args)
    report = health.check_store(path)
    if report.exit_code == health.HEALTHY:
        print(f"« {path} » est sain.")
        return 0
    for line in report.problems + report.advice():
        print(line, file=sys.stderr)
    return report.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    from pnae_desktop.services import exports, outputs, praes  # start-up: each command imports its own modules

    if args.document == "avenant":
        return _versions_command("export_avenant")(args)
    if args.document in ("compte-rendu", "bilan", "evaluation"):  # the follow-up documents
        return export_followup(args)

    with _opened(args) as store:
        # Refused before any work: the open store, a SQLite file, an existing file without --force.
        outputs.check_output(args.out, overwrite=True, store_path=store.path)
        outputs.check_output(exports.output_path(args.document, args.out), overwrite=args.force, store_path=store.path)
        edition = praes.get_prae(store, args.prae).summary.catalogue_edition
        catalogue = _catalogues().get(edition)
        check = exports.preflight(store, args.prae, catalogue, args.document)
        # The same list as the Convention and Exports pages (services.checks), each problem once.
        for warning in check.warnings:
            print(f"Attention : {warning}", file=sys.stderr)
        if check.errors:
            print("Export impossible, à corriger d'abord :", file=sys.stderr)
            for error in check.errors:
                print(f"- {error}", file=sys.stderr)
            return 3
        out = exports.export(store, args.prae, catalogue, args.document, args.out, force=True, overwrite=args.force)
    print(out)
    return 0


def _versions_command(name: str):
    """A command of cli/versions_cmds.py, given the store opener."""

    def run(args: argparse.Namespace) -> int:
        from pnae_desktop.cli import versions_cmds  # start-up: each command imports its own modules

        return getattr(versions_cmds, f"cmd_{name}")(args, _opened)

    return run


def export_followup(args: argparse.Namespace) -> int:
    """`export compte-rendu|bilan|evaluation`: refusals (a year outside the PRAE, nothing
    realised, a wrong file type) are UserErrors (exit 2), nothing written."""
    from pnae_desktop.services import followup_exports, praes  # start-up: each command imports its own modules

    with _opened(args) as store:
        catalogue = _catalogues().get(praes.get_prae(store, args.prae).summary.catalogue_edition)
        out = followup_exports.export_followup(
            store, args.prae, catalogue, args.document, args.out, year=args.year, overwrite=args.force
        )
    print(out)
    return 0


COMMANDS = {
    "catalogue": cmd_catalogue,
    "demo": cmd_demo,
    "init": cmd_init,
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "check": cmd_check,
    "import-budget": cmd_import_budget,
    "package": cmd_package,
    "sign": sign_command.cmd_sign,
    "versions": _versions_command("versions"),
    "mark-signed": _versions_command("mark_signed"),
    "verify": _versions_command("verify"),
    "import-fec": lambda args: _followup_command("cmd_import_fec", args),
    "import-realised": lambda args: _followup_command("cmd_import_realised", args),
    "prepare-next-year": lambda args: _followup_command("cmd_prepare_next_year", args),
}


def _followup_command(name: str, args: argparse.Namespace) -> int:
    from pnae_desktop.cli import followup_commands  # start-up: each command imports its own modules

    command: Callable[..., int] = getattr(followup_commands, name)
    return command(args, _opened, _catalogues)


def _is_gui_launch(argv: list[str]) -> bool:
    """Only long options (and the values of --db / --db-url): no sub-command, no -h."""
    expecting_value = False
    for token in argv:
        if expecting_value:
            expecting_value = False
        elif token in ("--db", "--db-url"):
            expecting_value = True
        elif not token.startswith("--") or token == "--help":
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")  # French text on any Windows console
    argv = list(sys.argv[1:] if argv is None else argv)
    # `pnae-desktop X.prae` (a double-click on a package, see the installer) opens it in the GUI.
    to_open = argv.pop() if argv and argv[-1].lower().endswith(".prae") and argv[0] not in COMMANDS else None
    gui = _is_gui_launch(argv)
    if gui:
        # Start-up allocates a great many long-lived objects (modules, Qt wrappers): scanning them
        # again and again is ~5 ms of garbage collection for nothing. run_gui resumes it, the
        # start-up objects frozen, once the window is painted; `finally` covers every other exit.
        gc.disable()
    try:
        args = build_parser(with_commands=not gui).parse_args(argv)
        if args.command is None:
            from pnae_desktop.ui.app import run_gui  # Qt: only when the GUI starts

            return run_gui(
                db=args.db,
                db_url=args.db_url,
                exit_when_ready=args.exit_when_ready,
                started=_STARTED,
                with_demo=args.with_demo,
                package_to_open=to_open,
            )
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
