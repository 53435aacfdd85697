"""The Convention page's preview: a rendered convention (title, parties, preamble, articles,
signatures) as HTML, the article being edited highlighted and unfilled fields marked."""

from __future__ import annotations

from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.money import format_amount
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import palette


def blocks_html(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, cv.Paragraph):
            out.append(f"<p>{escape_markup(b.text)}</p>")
        elif isinstance(b, cv.BulletList):
            out.append(_items_html(b.items))
        elif isinstance(b, cv.Table):
            head = "".join(f"<th>{escape_markup(h)}</th>" for h in b.header)
            rows = []
            for i, row in enumerate(b.rows):
                bold = b.total_row and i == len(b.rows) - 1
                cells = "".join(
                    f'<td align="{"right" if (c < len(b.numeric) and b.numeric[c]) else "left"}"'
                    f"{' nowrap' if (c < len(b.numeric) and b.numeric[c]) else ''}>"
                    f"{'<b>' if bold else ''}{escape_markup(v)}{'</b>' if bold else ''}</td>"
                    for c, v in enumerate(row)
                )
                rows.append(f"<tr>{cells}</tr>")
            out.append(f'<table border="1" cellspacing="0" cellpadding="3"><tr>{head}</tr>{"".join(rows)}</table>')
    return "".join(out)


def _items_html(items) -> str:
    out = ["<ul>"]
    for item in items:
        out.append(f"<li>{escape_markup(item.text)}")
        if item.children:
            out.append(_items_html(item.children))
        for after in getattr(item, "after", ()) or ():
            out.append(f"<p>{escape_markup(after)}</p>")
        out.append("</li>")
    return "".join(out) + "</ul>"


def convention_html(rendered, highlight: str | None = None) -> str:
    parts = [
        palette.stylesheet(
            "<style>h2{color:@navy;font-size:11.5pt;margin-top:12px} p{margin:3px 0} "
            "th{background:@shade} .unresolved{background:@diff_removed_bg}</style>"
        )
    ]
    parts.append(
        "".join(
            f'<h1 style="color:{palette.NAVY};font-size:14pt;text-align:center">{escape_markup(t)}</h1>'
            for t in rendered.title[:1]
        )
    )
    parts += [f'<p align="center">{escape_markup(t)}</p>' for t in rendered.title[1:]]
    parts.append(blocks_html(rendered.parties))
    parts.append(f"<h2>{escape_markup(rendered.preamble_title)}</h2>{blocks_html(rendered.preamble)}")
    for a in rendered.articles:
        style = palette.stylesheet(' style="background:@highlight_bg"') if a.key == highlight else ""
        flag = palette.stylesheet(' <span style="color:@warning;font-size:9pt">(adapté)</span>') if a.adapted else ""
        parts.append(
            f'<a name="{a.key}"></a><div{style}><h2>{escape_markup(a.heading)}{flag}</h2>{blocks_html(a.blocks)}</div>'
        )
    parts.append(f"<p><br>{escape_markup(rendered.signature_closing)}</p>")
    for s in rendered.signatures:
        parts.append(
            f"<p><b>{escape_markup(s.heading)}</b><br>{'<br>'.join(escape_markup(x) for x in s.lines)}"
            f"<br>{escape_markup(s.name)}</p>"
        )
    body = "".join(parts)
    return (
        body.replace("[à compléter", '<span class="unresolved">[à compléter').replace("]", "]</span>")
        if "[à compléter" in body
        else body
    )


def amounts_html(context: cv.ConventionContext) -> str:
    """The Montants tab: forecast cost per axis and contributions per funder, per year."""
    years = context.period.years
    head = "".join(f"<th>{y}</th>" for y in years) + "<th>Total</th>"

    def rows(items):
        return "".join(
            f"<tr><td>{escape_markup(label)}</td>"
            + "".join(f'<td align="right">{format_amount(amounts.get(y, 0))}</td>' for y in years)
            + f'<td align="right"><b>{format_amount(sum(amounts.values()))}</b></td></tr>'
            for label, amounts in items
        )

    axis = rows((a.label, a.amounts) for a in context.axis_costs)
    funders = rows((f"{f.name}{' (signataire)' if f.party else ''}", f.amounts) for f in context.funders)
    table = '<table border="1" cellspacing="0" cellpadding="4"><tr><th></th>{}</tr>{}</table>'
    return (
        f"<h3>Coût prévisionnel par axe</h3>{table.format(head, axis)}"
        f"<h3>Contributions par financeur</h3>{table.format(head, funders)}"
    )
