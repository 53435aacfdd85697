"""The CPO as a signed-ready PDF: title page, parties, préambule, articles, the signature page,
then annexes I (the PRAE's fiches actions), II (the budget) and III (the indicators).

Every page carries the ARML and the title (header), "page X / Y", one initials box per
signatory and the first 12 characters of the text's fingerprint (footer); the signature page
prints the whole fingerprint. Each signatory's box on the signature page also gets an empty
digital signature field named after them ("Signature_Etat", "Signature_Region",
"Signature_ARML"), unless the convention is still a draft (placeholders left to complete or
unknown ones): a draft is stamped "PROJET" on every page and gets no field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.convention import Block, BulletList, RenderedConvention
from pnae_desktop.domain.convention import Paragraph as TextBlock
from pnae_desktop.domain.convention import Table as TableBlock
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.pdf.budget_summary import budget_flowables
from pnae_desktop.exports.pdf.document import ExportDoc, Heading, write_pdf
from pnae_desktop.exports.pdf.fiche import fiche_flowables
from pnae_desktop.exports.pdf.indicators import indicator_flowables
from pnae_desktop.exports.pdf.lists import keep_intro, list_flowables
from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, decor_for, default_creator
from pnae_desktop.exports.pdf.prae import prae_fingerprint
from pnae_desktop.exports.pdf.prae_data import PraeData
from pnae_desktop.exports.pdf.signature_fields import (
    SignaturePlacement,
    add_signature_fields,
    field_name_for,
    party_label,
)
from pnae_desktop.exports.pdf.styles import FRAME_WIDTH, GREY, NAVY, RULE, para, styles
from pnae_desktop.exports.pdf.synthesis import coverage_flowables, synthesis_table
from pnae_desktop.exports.pdf.tables import data_table, key_value_table
from pnae_desktop.exports.pdf.text import FONT, FONT_BOLD, markup

SHORT_FINGERPRINT = 12
DRAFT_MARK = "PROJET"
SIGNATURE_BOX_HEIGHT = 34 * mm


@dataclass(frozen=True)
class AnnexData:
    """What annexes I–III are made of: the PRAE (annex I: its fiches actions; annex III: their
    indicators and targets), the catalogue it was drafted from, and its budget with every total
    (annex II: cost per axis × year, financing per funder × year, charges by nature × year).
    `period` (first year, last year) is printed on the title page; None: the PRAE's period."""

    detail: PraeDetail
    catalogue: Catalogue
    budget: dom.Budget
    totals: dom.BudgetTotals
    period: tuple[int, int] | None = None

    @property
    def prae(self) -> PraeData:
        return PraeData(self.detail, self.catalogue, self.budget, self.totals)

    @property
    def years(self) -> tuple[int, int]:
        if self.period is not None:
            return self.period
        return self.detail.years[0], self.detail.years[-1]


def is_draft(rendered: RenderedConvention) -> bool:
    """Placeholders left to complete, or unknown: not to be signed."""
    return bool(rendered.unresolved or rendered.problems)


def annex_fingerprint(annexes: AnnexData) -> str:
    """SHA-256 of the annexes' content (the PRAE's fiches, indicators and budget figures)."""
    return prae_fingerprint(annexes.detail, annexes.totals)


class SignatureArea(Flowable):
    """The box a signatory signs and stamps; records where it lands for the signature field."""

    def __init__(
        self,
        width: float,
        height: float,
        placement_name: str,
        label: str,
        registry: dict[str, SignaturePlacement],
    ) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.placement_name, self.label, self.registry = placement_name, label, registry

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(RULE)
        c.setLineWidth(0.7)
        c.setDash(3, 2)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        c.restoreState()
        x, y = c.absolutePosition(0, 0)
        self.registry[self.placement_name] = SignaturePlacement(
            self.placement_name,
            self.label,
            c.getPageNumber() - 1,
            (x, y, x + self.width, y + self.height),
        )


# ------------------------------------------------------------------------------------------
# The convention's text
# ------------------------------------------------------------------------------------------


def block_flowables(block: Block) -> list[Flowable]:
    st = styles()
    if isinstance(block, TextBlock):
        return [para(block.text, st.body)]
    if isinstance(block, BulletList):
        return list_flowables(block.items)
    if isinstance(block, TableBlock):
        total = [len(block.rows) - 1] if block.total_row and block.rows else []
        table = data_table(block.header, block.rows, numeric=block.numeric, total_rows=total)
        table.spaceBefore, table.spaceAfter = 2, 8
        return [table]
    return [para(str(block), st.body)]


def _title_page(
    rendered: RenderedConvention,
    annexes: AnnexData | None,
    meta: PdfMeta,
    fingerprint: str,
    draft: bool,
) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [Spacer(1, 22 * mm), para(meta.author, st.cover_org), Spacer(1, 12 * mm)]
    title = list(rendered.title)
    kind = "Convention pluriannuelle d'objectifs"
    if title and title[0].strip().lower() == kind.lower():
        kind = title.pop(0)
    out.append(para(kind, st.cover_kind))
    if title:
        out.append(para(title[0], st.cover_title))
    out += [para(line, st.cover_line) for line in title[1:]]
    if annexes is not None:
        first, last = annexes.years
        out.append(para(f"Période : du 1er janvier {first} au 31 décembre {last}", st.cover_line))
    out.append(Spacer(1, 10 * mm))
    rows: list[tuple[str, Flowable | str]] = []
    for sig in rendered.signatures:
        who = ", ".join(p for p in (sig.name, *(line.rstrip(",") for line in sig.lines[-1:])) if p)
        rows.append((sig.heading.strip().rstrip(",").strip(), who))
    if rows:
        out.append(para("Signataires", st.subheading))
        out.append(key_value_table(rows, label_width=55 * mm))
    out.append(Spacer(1, 10 * mm))
    if draft:
        count = len(rendered.unresolved) + len(rendered.problems)
        out.append(
            para(
                f"{DRAFT_MARK} – ce document n'est pas prêt pour la signature : "
                f"{count} élément(s) restent à compléter ou à corriger.",
                st.center,
            )
        )
    out.append(para(f"Empreinte du texte de la convention (SHA-256) : {fingerprint}", st.cover_small))
    return out


def _parties(rendered: RenderedConvention) -> list[Flowable]:
    st = styles()
    joiner = ParagraphStyle("joiner", st.body, fontName=FONT_BOLD, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8)
    called = ParagraphStyle("called", st.body, leftIndent=20 * mm, spaceAfter=8)
    out: list[Flowable] = [Heading("Parties", st.part, level=0)]
    for b in rendered.parties:
        if isinstance(b, TextBlock):
            text = b.text.strip()
            if text.lower() in ("entre", "et"):
                out.append(para(text, joiner))
            elif text.lower().startswith("ci-après"):
                out.append(para(text, called))
            else:
                out.append(para(text, st.body))
        else:
            out += block_flowables(b)
    return out


def _preamble(rendered: RenderedConvention) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [Spacer(1, 6), Heading(rendered.preamble_title, st.part, level=0)]
    blocks = list(rendered.preamble)
    for i, b in enumerate(blocks):
        if isinstance(b, TextBlock) and i == len(blocks) - 1:
            out.append(Spacer(1, 4))
            out.append(Paragraph(f"<b>{markup(b.text)}</b>", st.body))
        else:
            out += block_flowables(b)
    return out


def _articles(rendered: RenderedConvention) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    for a in rendered.articles:
        out.append(Heading(a.heading, st.article, level=0))
        body: list[Flowable] = []
        for b in a.blocks:
            body += block_flowables(b)
        out += keep_intro(body)
    return out


def _signature_grid(rendered: RenderedConvention, registry: dict[str, SignaturePlacement]) -> Table:
    """The signatories two by two: heading, quality lines, name, the box to sign and stamp."""
    st = styles()
    heading_style = ParagraphStyle("sig_heading", st.body_left, fontName=FONT_BOLD, spaceAfter=1)
    line_style = ParagraphStyle("sig_line", st.small, spaceAfter=0)
    name_style = ParagraphStyle("sig_name", st.body_left, fontName=FONT_BOLD, spaceBefore=3, spaceAfter=4)
    caption = ParagraphStyle("sig_caption", st.small, textColor=GREY, fontSize=7.5, spaceBefore=2)
    gap = 8 * mm
    col = (FRAME_WIDTH - gap) / 2
    blocks: list[list[Flowable]] = []
    for sig in rendered.signatures:
        name = field_name_for(sig.party)
        cell: list[Flowable] = [para(sig.heading, heading_style)]
        cell += [para(line, line_style) for line in sig.lines]
        cell.append(para(sig.name, name_style))
        cell.append(SignatureArea(col, SIGNATURE_BOX_HEIGHT, name, f"Signature – {party_label(sig.party)}", registry))
        cell.append(para("Signature et cachet", caption))
        blocks.append(cell)
    rows = [blocks[i : i + 2] + [[]] * (2 - len(blocks[i : i + 2])) for i in range(0, len(blocks), 2)]
    grid = Table(rows, colWidths=[col + gap / 2, col + gap / 2], hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), gap / 2),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10 * mm),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
            ]
        )
    )
    return grid


def _signature_page(
    rendered: RenderedConvention,
    fingerprint: str,
    annex_fp: str | None,
    registry: dict[str, SignaturePlacement],
    with_fields: bool,
) -> list[Flowable]:
    st = styles()
    grid = _signature_grid(rendered, registry)
    fp_style = ParagraphStyle("fp", st.small, fontName=FONT_BOLD, textColor=NAVY, fontSize=8.6)
    out: list[Flowable] = [
        Heading("Signatures", st.part, level=0),
        para(rendered.signature_closing, st.body),
        Spacer(1, 8 * mm),
        grid,
        para("Empreinte numérique du texte de la convention (SHA-256) :", st.small),
        para(fingerprint, fp_style),
        para(
            f"Ses {SHORT_FINGERPRINT} premiers caractères figurent au pied de chaque page : chaque "
            "signataire vérifie qu'ils sont identiques sur toutes les pages qu'il paraphe.",
            st.note,
        ),
    ]
    if with_fields:
        names = ", ".join(f"« {field_name_for(s.party)} »" for s in rendered.signatures)
        out.append(
            para(
                "Pour signer électroniquement, chaque signataire utilise le champ de signature "
                f"placé dans son cadre ({names}).",
                st.note,
            )
        )
    if annex_fp:
        out += [
            Spacer(1, 3),
            para("Empreinte numérique du contenu des annexes I à III (SHA-256) :", st.small),
            para(annex_fp, fp_style),
        ]
    return [KeepTogether(out)]


# ------------------------------------------------------------------------------------------
# Annexes
# ------------------------------------------------------------------------------------------


def _annex_prae(annexes: AnnexData) -> list[Flowable]:
    st = styles()
    data = annexes.prae
    out: list[Flowable] = [
        para(f"Programme d'actions : « {annexes.detail.summary.title} »", st.body_left),
        para(
            "Les fiches actions ci-après précisent pour chaque action ses modalités de mise en "
            "œuvre, son calendrier, les objectifs de la convention qu'elle sert, ses indicateurs "
            "et son budget prévisionnel.",
            st.body,
        ),
        synthesis_table(data),
        Spacer(1, 8),
        para("Couverture des objectifs de la convention", st.subheading),
    ]
    out += coverage_flowables(data)
    for action in annexes.detail.actions:
        out.append(PageBreak())
        out += fiche_flowables(data, action, level=1, toc_level=None)
    return out


def _annex_budget(annexes: AnnexData) -> list[Flowable]:
    return budget_flowables(annexes.prae, level=1, toc_level=None)


def _annex_indicators(annexes: AnnexData) -> list[Flowable]:
    st = styles()
    return [
        para(
            "Indicateurs d'évaluation du programme d'actions, avec leur valeur de référence et "
            "leurs cibles annuelles, par fiche action. Leur état est présenté chaque année dans "
            "le rapport d'activité et au comité de pilotage régional.",
            st.body,
        ),
        *indicator_flowables(annexes.prae),
    ]


ANNEX_BUILDERS: dict[str, Callable[[AnnexData], list[Flowable]]] = {
    "prae": _annex_prae,
    "budget": _annex_budget,
    "indicateurs": _annex_indicators,
}


def _annexes(rendered: RenderedConvention, annexes: AnnexData) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    for annex in rendered.annexes:
        out.append(PageBreak())
        out.append(
            Heading(
                f"Annexe {annex.number} – {annex.title}",
                st.part,
                level=0,
                outline=f"Annexe {annex.number}",
            )
        )
        builder = ANNEX_BUILDERS.get(annex.key)
        if builder is None:
            out.append(para("Document joint à la présente convention.", st.absent))
        else:
            out += builder(annexes)
    return out


# ------------------------------------------------------------------------------------------
# The document
# ------------------------------------------------------------------------------------------


def build_convention_pdf(
    rendered: RenderedConvention,
    annexes: AnnexData | None,
    out_path: Path | str,
    *,
    meta: PdfMeta,
    signature_fields: bool = True,
) -> Path:
    """Write the convention to `out_path` and, unless it is a draft or `signature_fields` is
    False, add one empty signature field per signatory over its box; return the path.

    `annexes` None leaves the annexes out (a preview of the text alone)."""
    with_fields = signature_fields and not is_draft(rendered)
    registry: dict[str, SignaturePlacement] = {}
    story, decor = convention_story(rendered, annexes, meta, registry, with_fields=with_fields)
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor)
        if with_fields:
            order = [field_name_for(s.party) for s in rendered.signatures]
            add_signature_fields(tmp, [registry[name] for name in order if name in registry])
    return Path(out_path)


def convention_story(
    rendered: RenderedConvention,
    annexes: AnnexData | None,
    meta: PdfMeta,
    registry: dict[str, SignaturePlacement],
    *,
    with_fields: bool = True,
) -> tuple[list[Flowable], PageDecor]:
    """The flowables of the whole convention and what every page shows; `registry` receives
    the signature boxes' positions as they are drawn."""
    fingerprint = rendered.fingerprint()
    draft = is_draft(rendered)
    annex_fp = annex_fingerprint(annexes) if annexes is not None else None
    story: list[Flowable] = _title_page(rendered, annexes, meta, fingerprint, draft)
    story += [PageBreak()]
    story += _parties(rendered)
    story += _preamble(rendered)
    story += _articles(rendered)
    story += [PageBreak()]
    story += _signature_page(rendered, fingerprint, annex_fp, registry, with_fields)
    if annexes is not None:
        story += _annexes(rendered, annexes)
    decor = decor_for(
        meta,
        fingerprint=fingerprint[:SHORT_FINGERPRINT],
        initials=[party_label(s.party, s.heading) for s in rendered.signatures],
        draft=DRAFT_MARK if draft else "",
    )
    return story, decor


def convention_meta(rendered: RenderedConvention, detail: PraeDetail, app_version: str | None = None) -> PdfMeta:
    """The usual document information of a PRAE's convention: the ARML as author, the period
    and region in the title, "Convention pluriannuelle d'objectifs 2018-2020" as header."""
    s = detail.summary
    short = f"Convention pluriannuelle d'objectifs {s.start_year}-{s.end_year}"
    return PdfMeta(
        title=f"{short} – {s.region_name}",
        author=detail.organisation.name,
        subject=" ".join(rendered.title[1:2]) or s.title,
        keywords=("CPO", "PRAE", s.region_name),
        header_title=short,
        creator=f"PNAE Desktop {app_version}" if app_version else default_creator(),
    )


def export(
    rendered: RenderedConvention,
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget,
    totals: dom.BudgetTotals,
    out_path: Path | str,
    *,
    app_version: str | None = None,
) -> Path:
    """What services/exports.py calls: the convention with annexes I–III and its usual
    metadata (see :func:`convention_meta`)."""
    return build_convention_pdf(
        rendered,
        AnnexData(detail, catalogue, budget, totals),
        out_path,
        meta=convention_meta(rendered, detail, app_version),
    )


# The signatories' grid with their boxes, shared with the avenant (exports/pdf/avenant.py).
signature_grid = _signature_grid
