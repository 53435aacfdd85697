"""The .prae package split by job: the format (exports.package) knows no store and no service;
the use cases (services.package) read through the services and write in one transaction; one
French translator of jsonschema errors serves the catalogue and the packages."""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from pnae_desktop.errors import UserError
from pnae_desktop.exports.package import MEMBERS, PackageError, read_documents, write_package
from pnae_desktop.schema_messages import SchemaMessages, TechnicalMessages
from pnae_desktop.services import demo, package
from pnae_desktop.services.package.exporting import read_content
from pnae_desktop.store.models import PraeRow
from pnae_desktop.store.schema import HEAD_REVISION, KNOWN_REVISIONS

ROOT = Path(__file__).resolve().parent.parent / "pnae_desktop"


# -- the layers ---------------------------------------------------------------------------------


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "exports" / "package").glob("*.py")), ids=lambda p: p.name)
def test_the_package_format_imports_no_store_and_no_service(path):
    upward = ("pnae_desktop.store", "pnae_desktop.services", "pnae_desktop.ui", "pnae_desktop.cli")
    bad = sorted(n for n in _imported(path) if n.startswith(upward))
    assert not bad, bad


def test_the_schema_translator_is_a_base_module():
    assert not any(n.startswith("pnae_desktop.") for n in _imported(ROOT / "schema_messages.py"))
    for path in (ROOT / "catalogue" / "loader.py", ROOT / "exports" / "package" / "validation.py"):
        assert "pnae_desktop.schema_messages" in _imported(path), path


# -- the shared translator ------------------------------------------------------------------------


def _error(validator, expected, instance, schema=None):
    return SimpleNamespace(validator=validator, validator_value=expected, instance=instance, schema=schema or {})


@pytest.mark.parametrize(
    "error, user, technical",
    [
        (_error("required", ["a", "b"], {}), "champ « a » absent", "champ obligatoire absent : « a, b »"),
        (
            _error("type", "integer", "3"),
            "type attendu : nombre entier (trouvé : texte 3)",
            "type attendu : nombre entier (valeur trouvée : '3')",
        ),
        (
            _error("enum", ["x", "y"], "z"),
            "valeur « z » non autorisée (possibles : x, y)",
            "valeur 'z' non autorisée",
        ),
        (
            _error("additionalProperties", False, {"a": 1, "zz": 2}, {"properties": {"a": {}}}),
            "champ « zz » non prévu",
            "champ « zz » non prévu",
        ),
        (_error("minimum", 2000, 1999), "valeur 1999 trop petite (2000 au moins)", None),
        (_error("maxLength", 3, "abcd"), "texte trop long (4 caractères, 3 au plus)", None),
        (_error("pattern", "^a$", "b"), "format inattendu (trouvé : « b »)", "format inattendu (trouvé : 'b')"),
        (_error("multipleOf", 2, 3), "valeur non conforme (multipleOf)", "valeur non conforme (multipleOf)"),
    ],
)
def test_one_translator_two_wordings(error, user, technical):
    assert SchemaMessages().reason(error) == user
    assert TechnicalMessages().reason(error) == (technical or user)


def test_pattern_hints_say_what_a_pattern_expects():
    messages = SchemaMessages({"^[0-9]+$": "nombre attendu"})
    assert messages.reason(_error("pattern", "^[0-9]+$", "x")) == "nombre attendu (trouvé : « x »)"


# -- the format alone, and the use cases ------------------------------------------------------------


def test_the_writer_and_the_reader_need_no_store(sqlite_store, catalogue, tmp_path):
    prae_id = demo.create_demo(sqlite_store, catalogue)
    content = read_content(sqlite_store, prae_id)
    out = write_package(content, tmp_path / "x.prae", app_version="t", schema_version=HEAD_REVISION)
    docs = read_documents(out, KNOWN_REVISIONS)
    assert docs.prae["uid"] == content.uid == docs.manifest["prae_uid"]
    assert len(docs.actions["actions"]) == len(content.detail.actions)
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == sorted(("manifest.json", *MEMBERS))
    with pytest.raises(PackageError, match="version plus récente"):
        read_documents(out, ())  # a schema version this reader does not know


def test_an_import_joins_the_callers_transaction(sqlite_store, catalogue, tmp_path):
    source = demo.create_demo(sqlite_store, catalogue)
    path = package.export_package(sqlite_store, source, tmp_path / "x.prae", app_version="t")

    def count() -> int:
        with sqlite_store.transaction() as session:
            return session.scalar(select(func.count()).select_from(PraeRow))

    before = count()
    with pytest.raises(RuntimeError):
        with sqlite_store.transaction():
            package.import_package(sqlite_store, path, mode="copy")
            assert count() == before + 1  # seen inside the transaction
            raise RuntimeError("the caller gives up")
    assert count() == before  # the import went with the caller's rollback
    with sqlite_store.transaction():
        imported = package.import_package(sqlite_store, path, mode="copy")
    assert count() == before + 1 and imported != source


def test_a_refused_import_inside_a_transaction_leaves_it_usable(sqlite_store, catalogue, tmp_path):
    source = demo.create_demo(sqlite_store, catalogue)
    path = package.export_package(sqlite_store, source, tmp_path / "x.prae", app_version="t")
    with pytest.raises(UserError, match="contient déjà ce PRAE"):
        package.import_package(sqlite_store, path, mode="new")
    assert package.inspect_package(path, sqlite_store).existing_prae_id == source
