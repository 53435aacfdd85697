"""The app works entirely offline: the main flows run with every socket connection refused,
and nothing tries to connect (DNS included)."""

from __future__ import annotations

import socket

import pytest

from pnae_desktop.domain.entities import Indicator, NewPrae
from pnae_desktop.services import budget, convention, demo, drafting, exports, package, praes
from pnae_desktop.store.database import open_store


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("réseau interdit pendant ce test")

    monkeypatch.setattr(socket.socket, "connect", lambda self, *a: refuse(*a))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, *a: refuse(*a))
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    return attempts


def test_open_draft_budget_convention_export_and_package_offline(no_network, tmp_path, catalogue):
    store = open_store(tmp_path / "offline.sqlite")
    prae_id = demo.create_demo(store, catalogue)
    new_id = praes.create_prae(store, catalogue, NewPrae("04", 2018, 2020, (5, 11)))
    action = praes.get_prae(store, new_id).actions[0]
    drafting.update_action(store, action.id, {"pilot": "Mme Payet", "contexte": "À La Réunion…"})
    drafting.set_indicators(store, action.id, [Indicator("Jeunes en PACEA", "nombre", "imilo")])
    budget.set_charge_cells(
        store, [budget.ChargeCell(action.id, "62", "Déplacements", 2018, budget.ChargeValue(amount_cents=1_500_00))]
    )
    convention.render(store, prae_id, catalogue)
    written = []
    for document in ("convention", "prae", "budget"):
        written.append(exports.export(store, prae_id, catalogue, document, tmp_path / f"doc-{document}", force=True))
    written.append(package.export_package(store, prae_id, tmp_path / "envoi.prae", app_version="test"))
    store.close()
    other = open_store(tmp_path / "antenne.sqlite")
    package.import_package(other, tmp_path / "envoi.prae", mode="new")
    assert len(praes.list_praes(other)) == 1
    other.close()
    assert all(path.stat().st_size > 0 for path in written)
    assert no_network == []


def test_the_guard_itself_catches_a_connection(no_network):
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    assert no_network
