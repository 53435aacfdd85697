"""Budget execution per axis (the Suivi page's chart): every cent of the year's direct charges,
forecast and realised, lands on exactly one axis — the per-axis sums add up to the year's totals
of the gaps (domain.followup.year_gaps), on the demo's realised 2018 read from a real store."""

from __future__ import annotations

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.followup_axes import execution_by_axis
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import demo
from pnae_desktop.services import followup as followup_service


def test_axis_sums_are_the_year_totals_to_the_cent(sqlite_store, catalogue):
    prae_id = demo.create_demo(sqlite_store, catalogue)
    budget, _totals, _problems = budget_service.totals(sqlite_store, prae_id)
    followup = followup_service.load_followup(sqlite_store, prae_id)
    for year in budget.years:
        lines = execution_by_axis(budget, followup, year)
        gaps = fu.year_gaps(budget, followup, year)
        assert sum(line.forecast_cents for line in lines) == gaps.forecast_total_cents
        assert sum(line.realised_cents for line in lines) == gaps.realised_total_cents
        assert [line.axis for line in lines if line.axis is not None] == list(budget.axes)
    lines_2018 = execution_by_axis(budget, followup, 2018)
    assert any(line.realised_cents for line in lines_2018)  # the demo's realised year
    assert all(line.rate is not None for line in lines_2018 if line.forecast_cents)
