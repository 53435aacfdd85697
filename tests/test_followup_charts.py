"""The follow-up charts: grey levels and hatching only (they read in black-and-white print),
labels wrapped whole, values printed beside the bars, long charts split into drawings."""

from __future__ import annotations

from reportlab.graphics.shapes import Group, Path, Rect, String
from reportlab.lib import colors

from pnae_desktop.exports.pdf.charts import BarPair, paired_bars

LONG = (
    "Nombre de missions locales ayant participé à au moins une session de professionnalisation "
    "régionale consacrée à l'accompagnement des jeunes vers l'emploi durable"
)


def nodes(node):
    yield node
    for child in getattr(node, "contents", []):
        yield from nodes(child)


def rows() -> list[BarPair]:
    return [
        BarPair(LONG, 40, 32, "cible 40", "32"),
        BarPair("Taux de satisfaction", 80, 91, "cible 80 %", "91 %"),
        BarPair("Guides produits", 3, None, "cible 3", "non renseigné"),
    ]


def test_only_grey_levels_and_the_forecast_is_hatched():
    (drawing,) = paired_bars(rows(), shared_scale=False)
    seen = []
    for node in nodes(drawing):
        for attr in ("fillColor", "strokeColor"):
            c = getattr(node, attr, None)
            if isinstance(c, colors.Color):
                seen.append(c)
                assert abs(c.red - c.green) < 1e-6 and abs(c.green - c.blue) < 1e-6, (node, attr, c)
    assert seen
    hatched = [g for g in nodes(drawing) if isinstance(g, Group) and any(isinstance(n, Path) for n in g.contents)]
    solid = [r for r in nodes(drawing) if isinstance(r, Rect) and r.fillColor is not None and r.fillColor.red < 0.3]
    # legend + one forecast bar per row (3); legend + two realised bars (the third is absent)
    assert len(hatched) == 4 and len(solid) == 3


def test_labels_are_whole_and_values_printed():
    (drawing,) = paired_bars(rows(), shared_scale=False)
    texts = [n.text for n in nodes(drawing) if isinstance(n, String)]
    assert " ".join(texts).count(LONG.split()[-1]) == 1
    joined = " ".join(texts)
    assert all(word in joined for word in LONG.split())
    assert max(len(t) for t in texts) < len(LONG)  # the long label was wrapped, not one line
    for value in ("cible 40", "32", "91 %", "non renseigné", "Cible", "Réalisé"):
        assert value in texts


def test_a_long_chart_is_split_into_drawings_with_the_legend_once():
    many = [BarPair(f"Indicateur {i}", i + 1, i, str(i + 1), str(i)) for i in range(30)]
    drawings = paired_bars(many, max_rows=12)
    assert len(drawings) == 3
    legends = [sum(1 for n in nodes(d) if isinstance(n, String) and n.text == "Réalisé") for d in drawings]
    assert legends == [1, 0, 0]
    labels = [n.text for d in drawings for n in nodes(d) if isinstance(n, String) and n.text.startswith("Indicateur")]
    assert labels == [f"Indicateur {i}" for i in range(30)]


def test_symbols_and_emoji_in_a_label_take_the_fallback_fonts():
    from pnae_desktop.exports.pdf.text import FONT

    (drawing,) = paired_bars([BarPair("Taux ≥ 80 % ✅ atteint", 80, 85, "cible 80 %", "85 %")])
    strings = [n for n in nodes(drawing) if isinstance(n, String)]
    emoji = [n for n in strings if "✅" in n.text]
    assert emoji and all(n.fontName != FONT for n in emoji)  # the family lacks it: a fallback draws it
    line = [n for n in strings if n.y == emoji[0].y]
    assert "".join(n.text for n in sorted(line, key=lambda n: n.x)) == "Taux ≥ 80 % ✅ atteint"
