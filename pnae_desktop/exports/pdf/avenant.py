"""An avenant to a signed convention as a signed-ready PDF: « Avenant n° N à la convention
pluriannuelle d'objectifs du … », the parties, the visas, the modified articles in their new
wording, the new financial tables, then the signature page with one empty signature field per
signatory. Every page carries the convention's furniture (header, "page X / Y", one initials
box per signatory, the avenant's own fingerprint).

The annual financial avenant (`year` set) confirms that year's amounts: its tables keep that
year's column only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from pnae_desktop.domain.convention import Block, RenderedArticle, RenderedConvention, article_label
from pnae_desktop.domain.convention import Paragraph as TextBlock
from pnae_desktop.domain.convention import Table as TableBlock
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.pdf.convention import block_flowables, signature_grid
from pnae_desktop.exports.pdf.document import ExportDoc, Heading, write_pdf
from pnae_desktop.exports.pdf.page import PdfMeta, decor_for
from pnae_desktop.exports.pdf.signature_fields import (
    SignaturePlacement,
    add_signature_fields,
    field_name_for,
    party_label,
)
from pnae_desktop.exports.pdf.styles import NAVY, para, styles
from pnae_desktop.exports.pdf.text import FONT_BOLD

SHORT_FINGERPRINT = 12
FINANCIAL_TABLES = ("cost_per_axis", "contributions")


@dataclass(frozen=True)
class AvenantData:
    number: int
    convention_date: str  # « 15 juin 2018 »
    rendered: RenderedConvention  # the working version's convention
    article_keys: tuple[str, ...]  # the articles modified since the signed version
    year: int | None = None  # the annual financial avenant: confirms this year's amounts
    article4_note: str = ""  # the article 4 rule, as computed (printed under the visas)
    previous: tuple[tuple[int, str], ...] = ()  # earlier signed avenants: (number, « 3 décembre 2026 »)

    @property
    def title(self) -> str:
        return f"Avenant n° {self.number} à la convention pluriannuelle d'objectifs du {self.convention_date}"


def _year_only(table: TableBlock, year: int) -> TableBlock:
    """The table with its label column(s) and the year's column, when it has one per year."""
    if str(year) not in table.header:
        return table
    keep = [i for i, h in enumerate(table.header) if not table.numeric[i] or h == str(year)]
    pick = lambda row: tuple(row[i] for i in keep if i < len(row))  # noqa: E731
    return replace(
        table, header=pick(table.header), rows=tuple(pick(r) for r in table.rows), numeric=pick(table.numeric)
    )


def financial_tables(rendered: RenderedConvention, year: int | None = None) -> list[tuple[str, TableBlock]]:
    """The convention's financial tables (cost per axis and year, financing per funder and
    year) with the article they come from, in the working version's figures."""
    out: list[tuple[str, TableBlock]] = []
    for article in rendered.articles:
        for block in article.blocks:
            if isinstance(block, TableBlock) and block.source in FINANCIAL_TABLES:
                out.append((article.heading, _year_only(block, year) if year is not None else block))
    return out


def avenant_text(data: AvenantData) -> str:
    """What the avenant's fingerprint covers: its title, articles and tables, one per line."""
    lines = [data.title]
    for article in _modified(data):
        lines.append(article.heading)
        lines.append(article.text)
    for heading, table in financial_tables(data.rendered, data.year):
        lines.append(heading)
        lines += ["\t".join(r) for r in (table.header, *table.rows)]
    return "\n".join(lines)


def avenant_fingerprint(data: AvenantData) -> str:
    return hashlib.sha256(avenant_text(data).encode("utf-8")).hexdigest()


def _modified(data: AvenantData) -> list[RenderedArticle]:
    if data.year is not None:
        return []
    return [a for a in data.rendered.articles if a.key in data.article_keys]


def _article_ref(rendered: RenderedConvention, key: str) -> str:
    for a in rendered.articles:
        if a.key == key:
            return f"l'{article_label(a.number)}"
    return "l'article relatif aux avenants"


def _visas(data: AvenantData) -> list[Flowable]:
    st = styles()
    avenant_ref = _article_ref(data.rendered, "avenant")
    out: list[Flowable] = [Heading("Visas", st.part, level=0)]
    visas = [
        f"Vu la convention pluriannuelle d'objectifs du {data.convention_date} conclue entre les parties, "
        f"notamment {avenant_ref} ;",
        *(f"Vu l'avenant n° {number} à cette convention, signé le {day} ;" for number, day in data.previous),
        f"Vu {_article_ref(data.rendered, 'cout')} de la convention relatif aux conditions de détermination "
        "du coût du programme d'actions ;",
        "Vu l'avis du comité de pilotage régional ;",
    ]
    if data.year is not None:
        visas.append(
            f"Considérant l'inscription des crédits correspondants en loi de finances pour l'année {data.year} ;"
        )
    out += [para(v, st.body) for v in visas]
    if data.article4_note:
        out.append(para(data.article4_note, st.note))
    out.append(para("Il est convenu ce qui suit :", st.body))
    return out


def _body(data: AvenantData) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    number = 1
    modified = _modified(data)
    if data.year is not None:
        out.append(Heading(f"Article {number} – Montants de l'année {data.year}", st.article, level=0))
        out.append(
            para(
                f"En application de {_article_ref(data.rendered, 'avenant')} de la convention, les parties "
                f"confirment les montants de l'année {data.year} figurant dans les tableaux ci-après, qui "
                "remplacent pour cette année ceux de la convention.",
                st.body,
            )
        )
    else:
        numbers = [str(a.number) for a in modified]
        which = (
            f"l'article {numbers[0]} de la convention et son plan de financement"
            if len(numbers) == 1
            else f"les articles {', '.join(numbers[:-1])} et {numbers[-1]} de la convention et son plan de financement"
            if numbers
            else "le plan de financement de la convention"
        )
        out.append(Heading(f"Article {number} – Objet de l'avenant", st.article, level=0))
        out.append(
            para(
                f"Le présent avenant modifie {which}, à la suite des modifications du programme "
                "d'actions et de son budget.",
                st.body,
            )
        )
    for article in modified:
        number += 1
        out.append(
            Heading(
                f"Article {number} – Modification de {_article_ref(data.rendered, article.key)}", st.article, level=0
            )
        )
        out.append(
            para(
                f"{_article_ref(data.rendered, article.key).capitalize()} « {article.title} » de la "
                "convention est ainsi rédigé :",
                st.body,
            )
        )
        blocks: list[Block] = list(article.blocks)
        for b in blocks:
            out += block_flowables(b)
    number += 1
    out.append(Heading(f"Article {number} – Plan de financement", st.article, level=0))
    out.append(para("Le coût du programme d'actions et son financement s'établissent comme suit :", st.body))
    for heading, table in financial_tables(data.rendered, data.year):
        out.append(para(f"Tableau de l'{heading[0].lower()}{heading[1:]} :", st.body_left))
        out += block_flowables(table)
    number += 1
    out.append(Heading(f"Article {number} – Autres stipulations", st.article, level=0))
    out.append(
        para(
            "Les autres stipulations de la convention demeurent inchangées. Le présent avenant prend "
            "effet à la date de sa signature par l'ensemble des parties.",
            st.body,
        )
    )
    return out


def _title(data: AvenantData, meta: PdfMeta, fingerprint: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [Spacer(1, 10 * mm), para(meta.author, st.cover_org), Spacer(1, 6 * mm)]
    out.append(para(f"Avenant n° {data.number}", st.cover_kind))
    out.append(para(f"à la convention pluriannuelle d'objectifs du {data.convention_date}", st.cover_title))
    out += [para(line, st.cover_line) for line in data.rendered.title[1:]]
    if data.year is not None:
        out.append(para(f"Avenant financier annuel – année {data.year}", st.cover_line))
    out.append(para(f"Empreinte du texte de l'avenant (SHA-256) : {fingerprint}", st.cover_small))
    out.append(Heading("Entre les parties", st.part, level=0))
    for b in data.rendered.parties:
        if isinstance(b, TextBlock) and b.text.strip().lower().startswith("ci-après"):
            continue
        out += block_flowables(b)
    return out


def _signatures(data: AvenantData, fingerprint: str, registry: dict[str, SignaturePlacement]) -> list[Flowable]:
    st = styles()
    fp_style = ParagraphStyle("fp", st.small, fontName=FONT_BOLD, textColor=NAVY, fontSize=8.6)
    return [
        KeepTogether(
            [
                Heading("Signatures", st.part, level=0),
                para(data.rendered.signature_closing, st.body),
                Spacer(1, 6 * mm),
                signature_grid(data.rendered, registry),
                para("Empreinte numérique du texte de l'avenant (SHA-256) :", st.small),
                para(fingerprint, fp_style),
            ]
        )
    ]


def build_avenant_pdf(data: AvenantData, out_path: Path | str, *, meta: PdfMeta) -> Path:
    """Write the avenant with its empty signature fields to `out_path` (atomically)."""
    fingerprint = avenant_fingerprint(data)
    registry: dict[str, SignaturePlacement] = {}
    story: list[Flowable] = _title(data, meta, fingerprint)
    story += _visas(data)
    story += _body(data)
    story += [PageBreak()]
    story += _signatures(data, fingerprint, registry)
    decor = decor_for(
        meta,
        fingerprint=fingerprint[:SHORT_FINGERPRINT],
        initials=[party_label(s.party, s.heading) for s in data.rendered.signatures],
    )
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor)
        order = [field_name_for(s.party) for s in data.rendered.signatures]
        add_signature_fields(tmp, [registry[n] for n in order if n in registry])
    return Path(out_path)


def avenant_meta(data: AvenantData, base: PdfMeta) -> PdfMeta:
    return replace(base, title=data.title, header_title=f"Avenant n° {data.number} – {base.header_title}")
