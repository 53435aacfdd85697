"""The commands of a convention's life after export: `versions`, `mark-signed`, `verify` and
`export avenant` (the `export` command hands the avenant over to :func:`cmd_export_avenant`).
Same services as the GUI; each command imports what it needs inside its function."""

from __future__ import annotations

import argparse
import sys

from pnae_desktop.errors import UserError


def add_commands(sub: argparse._SubParsersAction, store: argparse.ArgumentParser) -> None:
    versions = sub.add_parser("versions", parents=[store], help="lister les versions signées d'une convention")
    versions.add_argument("--prae", metavar="ID", type=int, required=True)

    mark = sub.add_parser(
        "mark-signed", parents=[store], help="marquer la convention comme signée avec le PDF signé reçu"
    )
    mark.add_argument("--prae", metavar="ID", type=int, required=True)
    mark.add_argument("pdf", metavar="SIGNÉ.pdf")

    verify = sub.add_parser("verify", parents=[store], help="vérifier une convention signée reçue")
    verify.add_argument("--prae", metavar="ID", type=int, required=True)
    verify.add_argument("pdf", metavar="SIGNÉ.pdf")
    verify.add_argument(
        "--trust", metavar="RACINE.pem", action="append", default=[], help="certificat racine de confiance"
    )
    verify.add_argument(
        "--require-trusted", action="store_true", help="échouer si un certificat n'est pas de confiance"
    )


def _read_pdf(path: str) -> bytes:
    from pnae_desktop.services.versions import read_pdf_file  # start-up: each command imports its own modules

    return read_pdf_file(path)


def cmd_versions(args: argparse.Namespace, opened) -> int:
    from pnae_desktop.services import versions  # start-up: each command imports its own modules

    with opened(args) as store:
        found = versions.list_versions(store, args.prae)
        status = versions.working_status(store, args.prae) if found else None
    if not found:
        print("Aucune version signée : la convention n'a pas encore été marquée comme signée.")
        return 0
    for v in found:
        fields = ", ".join(v.signed_fields) or "–"
        print(f"{v.number}\t{v.date_label}\t{v.described}\t{v.marked_by}\t{v.pdf_sha256}\t{fields}")
    assert status is not None
    if status.modified:
        print(f"Version de travail : {status.banner()} ({len(status.diff.changes)} différence(s))")
        for change in status.diff.changes:
            if change.kind != "article":
                print(f"- {change.place} : {change.before} → {change.after}")
            else:
                print(f"- {change.place} : texte modifié")
        if status.article4 is not None:
            print(status.article4.summary())
    else:
        print("Version de travail : identique à la dernière version signée.")
    return 0


def cmd_mark_signed(args: argparse.Namespace, opened) -> int:
    from pnae_desktop.services import marking  # start-up: each command imports its own modules

    pdf = _read_pdf(args.pdf)
    with opened(args, write=True) as store:
        v = marking.mark_signed(store, args.prae, pdf)
    print(f"Version n° {v.number} enregistrée : {v.described} ({', '.join(v.signed_fields)}), SHA-256 {v.pdf_sha256}")
    return 0


def cmd_verify(args: argparse.Namespace, opened) -> int:
    from pnae_desktop.services import trust, verify  # start-up: each command imports its own modules

    try:
        pdf = _read_pdf(args.pdf)
        roots = [trust.read_root(p) for p in args.trust]
    except UserError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return verify.EXIT_UNREADABLE
    with opened(args) as store:
        try:
            report = verify.verify(store, args.prae, pdf, roots, args.require_trusted)
        except verify.UnreadableInput as exc:
            print(f"Erreur : {exc}", file=sys.stderr)
            return verify.EXIT_UNREADABLE
    for line in report.lines():
        print(line)
    return report.exit_code


def cmd_export_avenant(args: argparse.Namespace, opened) -> int:
    from pnae_desktop.services import (
        avenants,  # start-up: each command imports its own modules
        exports,
        versions,
    )

    with opened(args) as store:
        done = avenants.prepare_avenant(store, args.prae, args.out, year=args.year, overwrite=args.force)
        check = exports.preflight(store, args.prae, versions.catalogue_of(store, args.prae), "convention")
    for problem in check.errors:  # the avenant is written anyway: it shows the working version
        print(f"Attention : la convention de travail n'est pas prête : {problem}", file=sys.stderr)
    if done.year is None:
        print(done.plan.article4.summary())
    print(done.path)
    return 0
