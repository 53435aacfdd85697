"""`pnae-desktop sign`: sign one of the convention's empty signature fields (PAdES B-B, B-T
with --timestamp-url) with a PKCS#12 file or a PKCS#11 token, through services.signing as the
« Signer la convention… » dialog does. The passphrase comes from PNAE_PKCS12_PASSPHRASE, else it
is asked (never on the command line, never stored). Exit 2 with a French message on bad input,
OUT not written."""

from __future__ import annotations

import argparse
import os
import sys

from pnae_desktop.errors import UserError

PIN_ENV = "PNAE_PKCS11_PIN"


def add_sign_parser(sub, store: argparse.ArgumentParser) -> None:
    sign = sub.add_parser(
        "sign",
        parents=[store],
        help="signer un champ de signature de la convention (PAdES, certificat PKCS#12 ou PKCS#11)",
    )
    sign.add_argument("--prae", metavar="ID", type=int, required=True)
    sign.add_argument("--pdf", metavar="ENTRÉE.pdf", required=True, help="convention à signer (jamais modifiée)")
    sign.add_argument("--out", metavar="SORTIE.pdf", required=True, help="PDF signé à écrire")
    sign.add_argument("--pkcs12", metavar="CERT.p12", help="certificat et clé (PKCS#12 : .p12 / .pfx)")
    sign.add_argument("--field", metavar="CHAMP", default="Signature_ARML", help="champ à signer (Signature_ARML…)")
    sign.add_argument("--timestamp-url", metavar="URL", help="serveur d'horodatage RFC 3161 (niveau B-T)")
    sign.add_argument("--pkcs11-lib", metavar="CHEMIN", help="bibliothèque PKCS#11 de la carte ou du jeton")
    sign.add_argument("--pkcs11-token", metavar="LIBELLÉ", help="libellé du jeton PKCS#11")
    sign.add_argument("--pkcs11-key", metavar="LIBELLÉ", help="libellé de la clé (et du certificat) sur le jeton")
    sign.add_argument("--force", action="store_true", help="remplacer SORTIE.pdf s'il existe déjà")


def _secret(env: str, prompt: str) -> str:
    import getpass  # start-up: this command only

    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"Mot de passe absent : définissez la variable d'environnement {env}.")
    return getpass.getpass(prompt)


def cmd_sign(args: argparse.Namespace) -> int:
    from pnae_desktop.services import praes, signing  # start-up: this command only
    from pnae_desktop.store import opening  # start-up: as above

    token = None
    if args.pkcs11_lib:
        if args.pkcs12:
            raise UserError("Choisissez --pkcs12 ou --pkcs11-lib, pas les deux.")
        if not (args.pkcs11_token and args.pkcs11_key):
            raise UserError("Avec --pkcs11-lib, indiquez aussi --pkcs11-token et --pkcs11-key.")
        token = signing.Pkcs11Token(args.pkcs11_lib, args.pkcs11_token, args.pkcs11_key)
    elif not args.pkcs12:
        raise UserError("Indiquez le certificat : --pkcs12 CERT.p12 (ou --pkcs11-lib pour une carte).")
    store = opening.open_for_reading(db=args.db, url=args.db_url)
    try:
        praes.get_prae(store, args.prae)  # the PRAE exists (French error otherwise)
        store_path = store.path
    finally:
        store.close()
    if token is not None:
        result = signing.sign_file(
            args.pdf, args.out, field=args.field, token=token, pin=_secret(PIN_ENV, "Code PIN du jeton : "),
            timestamp_url=args.timestamp_url, overwrite=args.force, store_path=store_path,
        )  # fmt: skip
    else:
        passphrase = _secret(signing.PASSPHRASE_ENV, "Mot de passe du certificat : ").encode("utf-8")
        result = signing.sign_file(
            args.pdf, args.out, field=args.field, pkcs12_path=args.pkcs12, passphrase=passphrase,
            timestamp_url=args.timestamp_url, overwrite=args.force, store_path=store_path,
        )  # fmt: skip
    print(f"Champ « {result.field} » signé par {result.signer} (PAdES {result.level}).")
    if result.remaining_fields:
        print("Champs restant à signer : " + ", ".join(result.remaining_fields))
    print(result.out)
    return 0
