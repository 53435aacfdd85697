"""argparse speaks English; the users read French. argparse looks its messages up through the
module-level `_` (gettext) at call time, so a small table translates usage, help and errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable

_FR = {
    "usage: ": "utilisation : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "afficher cette aide et quitter",
    "show program's version number and exit": "afficher la version et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (au choix : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s (%(matches)s)",
}


def install() -> None:
    original: Callable[[str], str] = getattr(argparse, "_")  # argparse's private gettext alias

    def french(message: str) -> str:
        # gettext only for messages the table lacks: its first lookup imports `locale` (start-up).
        translated = _FR.get(message)
        return translated if translated is not None else original(message)

    setattr(argparse, "_", french)
