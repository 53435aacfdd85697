"""The diff between a signed version and the working one, and article 4's rule, on the
JSON snapshots a version freezes (domain only: no store)."""

from __future__ import annotations

from decimal import Decimal

from pnae_desktop.domain import versions as dv

ARTICLE_4 = (
    "Lors de la mise en œuvre du programme d'actions, l'association peut adapter à la hausse ou à la "
    "baisse la répartition de son budget prévisionnel entre les axes et entre les natures de charges "
    "éligibles, dans la limite de {limit} % du coût annuel, à condition que…"
)


def snapshot(axis: dict[tuple[str, int], str], accounts: dict[tuple[int, str], str], limit: str = "15") -> dict:
    return {
        "prae": {"title": "PRAE", "actions": []},
        "budget": {
            "funders": [],
            "totals": {
                "full_by_axis_year": [{"axis": a, "year": y, "amount": v} for (a, y), v in axis.items()],
                "direct_by_year_account": [{"year": y, "account": c, "amount": v} for (y, c), v in accounts.items()],
                "financing_by_funder_year": [],
            },
        },
        "convention": {
            "articles": [
                {"key": "cout", "title": "Coût", "heading": "Article 4 – Coût", "text": ARTICLE_4.format(limit=limit)}
            ]
        },
    }


SIGNED = snapshot({("1", 2019): "600.00", ("2", 2019): "400.00"}, {(2019, "62"): "500.00", (2019, "64"): "500.00"})


def test_a_move_within_the_limit_needs_no_avenant():
    # 100 € (10 % of 1 000 €) moved from axis 2 to axis 1, and between two natures.
    working = snapshot({("1", 2019): "700.00", ("2", 2019): "300.00"}, {(2019, "62"): "600.00", (2019, "64"): "400.00"})
    rule = dv.article4(SIGNED, working)
    (year,) = rule.years
    assert (year.year, year.annual_cost, year.axis_increases, year.nature_increases) == (2019, 100000, 10000, 10000)
    assert year.axis_percent == Decimal("10.00") and not year.over
    assert not rule.avenant_required
    assert "aucun avenant n'est exigé" in rule.summary() and "15 %" in rule.summary()


def test_a_move_beyond_the_limit_requires_one_and_the_limit_is_the_conventions_own():
    working = snapshot({("1", 2019): "760.00", ("2", 2019): "240.00"}, {(2019, "62"): "500.00", (2019, "64"): "500.00"})
    rule = dv.article4(SIGNED, working)
    assert rule.years[0].axis_percent == Decimal("16.00") and rule.avenant_required
    assert "2019 : 16,00 %" in rule.summary() and "un avenant est nécessaire" in rule.summary()
    # A convention adapted to 20 %: the same move stays within it.
    signed_20 = snapshot(
        {("1", 2019): "600.00", ("2", 2019): "400.00"}, {(2019, "62"): "500.00", (2019, "64"): "500.00"}, limit="20"
    )
    assert dv.article4(signed_20, working).limit == Decimal(20)
    assert not dv.article4(signed_20, working).avenant_required


def test_the_diff_names_fields_amounts_and_articles():
    working = snapshot({("1", 2019): "700.00", ("2", 2019): "400.00"}, {(2019, "62"): "500.00", (2019, "64"): "500.00"})
    working["prae"]["title"] = "PRAE révisé"
    working["convention"]["articles"][0]["text"] += " Nouvelle phrase."
    diff = dv.diff_snapshots(SIGNED, working)
    kinds = [(c.kind, c.place) for c in diff.changes]
    assert ("champ", "Intitulé du PRAE") in kinds
    assert ("montant", "Coût complet – axe 1 – 2019") in kinds
    assert diff.article_keys == ("cout",) and diff.amount_years == (2019,)
    amount = diff.of_kind("montant")[0]
    assert (amount.before, amount.after) == ("600,00\u00a0€", "700,00\u00a0€")
    assert dv.diff_snapshots(SIGNED, SIGNED).empty
