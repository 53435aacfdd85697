"""Follow-up commands (issue 17): `import-fec` and `import-realised`, over the same services
and the same undoable edit as the Suivi page. Refusals exit 2 with the store unchanged."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def add_commands(sub: Any, store: argparse.ArgumentParser) -> None:
    fec = sub.add_parser(
        "import-fec",
        parents=[store],
        help="reprendre les charges et produits réalisés d'une année depuis le FEC (fichier des écritures comptables)",
    )
    fec.add_argument("--prae", metavar="ID", type=int, required=True)
    fec.add_argument("--year", metavar="ANNÉE", type=int, required=True)
    fec.add_argument("fec", metavar="FEC.txt")
    fec.add_argument(
        "--mapping",
        metavar="M.csv",
        help="table de correspondance (match,pattern,action,share,funder) ; enregistrée avec le PRAE",
    )
    fec.add_argument("--dry-run", action="store_true", help="lister le résultat sans rien appliquer")

    simple = sub.add_parser(
        "import-realised",
        parents=[store],
        help="reprendre le réalisé d'une année depuis un fichier simple (action, account, label, year, amount)",
    )
    simple.add_argument("--prae", metavar="ID", type=int, required=True)
    simple.add_argument("--year", metavar="ANNÉE", type=int, required=True)
    simple.add_argument("file", metavar="FICHIER.xlsx|FICHIER.csv")
    simple.add_argument("--dry-run", action="store_true", help="lister le résultat sans rien appliquer")

    nxt = sub.add_parser(
        "prepare-next-year",
        parents=[store],
        help="préparer le PRAE N+1 : clôturer l'année réalisée N et reporter en N+1 les actions « reportées »",
    )
    nxt.add_argument("--prae", metavar="ID", type=int, required=True)
    nxt.add_argument("--year", metavar="ANNÉE", type=int, required=True, help="l'année réalisée N à clôturer")
    nxt.add_argument(
        "--carry-budget",
        action="store_true",
        help="proposer aussi en N+1 le budget N non consommé des actions reportées",
    )


def _run(args: argparse.Namespace, opened: Callable[..., Any], catalogues: Callable[[], Any], prepare: Any) -> int:
    from pnae_desktop.services import praes  # start-up: each command imports its own modules
    from pnae_desktop.services.session import PraeSession  # start-up: as above

    with opened(args, write=not args.dry_run) as store:
        prepared = prepare(store)
        print(prepared.header)
        if prepared.errors:
            print("Import refusé, rien n'a été appliqué :", file=sys.stderr)
            for error in prepared.errors:
                print(f"- {error}", file=sys.stderr)
            return 2
        for line in prepared.summary:
            print(line)
        if args.dry_run:
            print("Rien n'a été appliqué (--dry-run).")
            return 0
        catalogue = catalogues().get(praes.catalogue_edition(store, args.prae))
        PraeSession(store, catalogue, args.prae).apply(prepared.edit())
        print(f"Réalisé {args.year} importé.")
    return 0


def cmd_import_fec(args: argparse.Namespace, opened: Callable[..., Any], catalogues: Callable[[], Any]) -> int:
    from pnae_desktop.services import realised_import  # start-up: this command only

    data = realised_import.read_bytes(args.fec, "FEC")
    mapping = None
    if args.mapping:
        mapping = realised_import.read_mapping(args.mapping)
    return _run(
        args, opened, catalogues, lambda store: realised_import.prepare_fec(store, args.prae, args.year, data, mapping)
    )


def cmd_import_realised(args: argparse.Namespace, opened: Callable[..., Any], catalogues: Callable[[], Any]) -> int:
    from pathlib import Path  # start-up: this command only

    from pnae_desktop.services import realised_import  # start-up: this command only

    data = realised_import.read_bytes(args.file, "Fichier")
    name = Path(args.file).name
    return _run(
        args, opened, catalogues, lambda store: realised_import.prepare_file(store, args.prae, args.year, data, name)
    )


def cmd_prepare_next_year(args: argparse.Namespace, opened: Callable[..., Any], catalogues: Callable[[], Any]) -> int:
    from pnae_desktop.services import praes  # start-up: this command only
    from pnae_desktop.services.edits_nextyear import prepare_next_year  # start-up: as above
    from pnae_desktop.services.session import PraeSession  # start-up: as above

    with opened(args, write=True) as store:
        catalogue = catalogues().get(praes.catalogue_edition(store, args.prae))
        plan, _ = prepare_next_year(PraeSession(store, catalogue, args.prae), args.year, carry_budget=args.carry_budget)
    for line in plan.describe():
        print(line)
    print(f"PRAE {plan.next_year} préparé : l'année {plan.year} est clôturée.")
    return 0
