"""Nothing is ever cut in the PDFs: every name and label the data holds is found whole in the
text pdftotext reads back from the convention and the PRAE (issue 11, items 1, 7 and 8, and
its "Bad input" paragraph), for the demo of five regions and for the longest names and labels
the fields accept, in any character set; a character Liberation Sans lacks is drawn by a
shipped fallback font."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain.drafting import MAX_LENGTHS
from pnae_desktop.exports.pdf.document import ExportDoc, write_pdf
from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, header_for
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.services import budget as budget_services
from pnae_desktop.services import demo, drafting, exports, praes
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import OrganisationRow
from pnae_desktop.text import fold
from pnae_desktop.ui.budget_summary import summary_html
from pnae_desktop.ui.fiche_html import action_html

DONE_WHEN_REGIONS = ("11", "32", "94", "04", "06")
NAME_MAX = OrganisationRow.__table__.c.name.type.length  # the organisation name's field: 300
LABEL_MAX = MAX_LENGTHS["label"]  # a budget line's label: 300
EMOJI, SYMBOL = "🚀", "★"  # drawn by the Symbola subset and by DejaVu Sans
HOSTILE = "L'atelier « Cœur & <b>tête</b> » </para> <a href='x'>lien</a> – été 2019 ✓ 🙂"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} absent : installer poppler-utils (voir .ci/system-packages)")
    return path


def squeeze(text: str) -> str:
    """Folded text without any space, soft hyphen or line break: a label wrapped over several
    lines of a cell, or with French no-break spaces added, still matches its data."""
    return re.sub(r"[\s\u00a0\u202f\u00ad]+", "", fold(text))


def pdf_pages(path: Path) -> list[str]:
    """The PDF's text page by page, in drawing order (a wrapped cell stays in one piece)."""
    out = subprocess.run(
        [tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [page for page in out.split("\f") if page.strip()]


def missing(labels: set[str], text: str) -> list[str]:
    folded = squeeze(text)
    return sorted(label for label in labels if squeeze(label) not in folded)


class Exported:
    """A demo PRAE of `region`, its two PDFs read back, and the labels its data holds."""

    def __init__(self, folder: Path, region: str, *, longest: bool = False) -> None:
        catalogue = shipped_catalogues().default
        self.catalogue = catalogue
        self.store = open_store(folder / f"demo-{region}.sqlite")
        prae_id = demo.create_demo(self.store, catalogue, region)
        if longest:
            self._lengthen(prae_id)
        detail = praes.get_prae(self.store, prae_id)
        self.budget, self.totals, _ = budget_services.totals(self.store, prae_id)
        self.organisation = detail.organisation.name
        self.titles = {a.title for a in detail.actions}
        self.axes = {f"Axe {a.number} – {a.title}" for a in catalogue.cpo_axes}
        self.objectives = {f"{o.code} – {o.text.strip().rstrip(' ;,')}" for o in catalogue.cpo_objectives}
        self.lines = {c.label for c in self.budget.charges}
        self.pdfs = {
            doc: exports.export(self.store, prae_id, catalogue, doc, folder / f"{doc}-{region}.pdf", force=True)
            for doc in ("convention", "prae")
        }
        self.pages = {doc: pdf_pages(path) for doc, path in self.pdfs.items()}

    def _lengthen(self, prae_id: int) -> None:
        """The organisation name, a budget line's label and a fiche's title at their field's
        maximum length, with markup characters, apostrophes, accents, a symbol and an emoji."""
        detail = praes.get_prae(self.store, prae_id)
        org = detail.organisation
        stem = f"{org.name} – Union des missions locales, espaces jeunes et PAIO {HOSTILE} "
        praes.save_organisation(self.store, replace(org, name=(stem * 4)[: NAME_MAX - 1] + "."))
        charge = next(c for c in budget_services.load_budget(self.store, prae_id).charges)
        label = (f"{HOSTILE} – {charge.label} " * 8)[: LABEL_MAX - 1] + "."
        budget_services.rename_charge_row(self.store, charge.action_id, charge.account, charge.label, label)
        title = f"Fiche {EMOJI} et {SYMBOL} : {HOSTILE} " * 10
        drafting.update_action(self.store, detail.actions[0].id, {"title": title[: MAX_LENGTHS["title"]].strip()})

    def text(self, doc: str) -> str:
        return "\n".join(self.pages[doc])


@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nocut")
    built = {code: Exported(folder, code) for code in DONE_WHEN_REGIONS}
    longest = max(shipped_catalogues().default.regions, key=lambda r: len(r.name)).insee_code
    built["longest"] = Exported(folder, longest, longest=True)
    yield built
    for b in built.values():
        b.store.close()


@pytest.mark.parametrize("region", [*DONE_WHEN_REGIONS, "longest"])
@pytest.mark.parametrize("doc", ["convention", "prae"])
def test_every_label_the_data_holds_is_whole_in_the_pdf(regions, region, doc):
    built = regions[region]
    text = built.text(doc)
    assert "…" not in text  # nothing shortened with an ellipsis, anywhere
    assert missing(built.axes, text) == [], "CPO axis cut"
    assert missing(built.objectives, text) == [], "CPO objective cut"
    assert missing(built.lines, text) == [], "budget line label missing or cut"
    assert missing(built.titles, text) == [], "fiche title cut"
    for number, page in enumerate(built.pages[doc], start=1):  # the running header, whole, on every page
        assert missing({built.organisation}, page) == [], f"organisation name cut on page {number}"


def between(text: str, start: str, end: str) -> str:
    """The part of `text` from the last `start` (after any table of contents) to the next `end`."""
    head = text.rindex(start)
    return text[head : text.index(end, head + len(start))]


@pytest.mark.parametrize("region", ["32", "longest"])
def test_article_4_and_annex_i_tables_hold_axes_and_objectives_whole(regions, region):
    """Where the issue saw "…des politique" and "notamment à travers": the cost-per-axis table
    of article 4 and the coverage table of annex I (read in drawing order, cell by cell)."""
    built = regions[region]
    text = built.text("convention")
    article_4 = between(text, "Article 4 –", "Article 5 –")
    assert missing(built.axes, article_4) == []
    coverage = between(text, "Couverture des objectifs de la convention", "Thèmes prioritaires du PNAE")
    assert missing(built.objectives, coverage) == []
    prae = built.text("prae")
    assert missing(built.axes, between(prae, "Coût du programme par axe", "Plan de financement")) == []


def test_long_texts_stay_text_never_markup(regions):
    built = regions["longest"]
    assert len(built.organisation) == NAME_MAX and max(map(len, built.lines)) == LABEL_MAX
    for doc in ("convention", "prae"):
        text = built.text(doc)
        assert squeeze("<b>tête</b> » </para> <a href='x'>lien</a>") in squeeze(text)


def test_a_character_liberation_sans_lacks_is_drawn_by_a_shipped_fallback_font(regions):
    built = regions["longest"]
    fonts = subprocess.run(
        [tool("pdffonts"), str(built.pdfs["prae"])], capture_output=True, check=True, text=True
    ).stdout
    assert "DejaVuSans" in fonts and "Symbola" in fonts
    for line in fonts.splitlines()[2:]:  # every font embedded: name type encoding emb sub uni
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line
    text = built.text("prae")
    assert EMOJI in text and SYMBOL in text and "🙂" in text and "✓" in text


def test_the_header_holds_every_region_s_longest_name_whole_above_the_text(tmp_path):
    """For every region, an organisation name at the field's maximum length heads each page
    whole, and the body starts below it."""
    catalogue = shipped_catalogues().default
    for region in catalogue.regions:
        name = f"Association régionale des missions locales de {region.name} – {HOSTILE} "
        name = (name * 5)[:NAME_MAX].strip()
        decor = PageDecor(name, f"PRAE {region.name} 2018-2020")
        doc = ExportDoc(tmp_path / f"{region.insee_code}.pdf", PdfMeta(title="t", author=name))
        write_pdf(doc, [para("Corps du document.", styles().body)], decor)
        header = header_for(decor)
        assert doc.pageTemplates[0].frames[0]._y2 <= header.rule_y  # the body below the header
        assert missing({name, decor.title}, pdf_pages(Path(doc.filename))[0]) == [], region.name


def test_the_budget_synthesis_page_shows_axis_labels_whole(regions):
    built = regions["32"]
    html = summary_html(built.budget, built.totals, [], built.catalogue)
    assert missing(built.axes, re.sub(r"<[^>]+>", "", html)) == []


@pytest.mark.parametrize("number", [12, 13])
def test_actions_12_and_13_carry_the_note_on_the_source_s_axis_mismatch(regions, number):
    catalogue = shipped_catalogues().default
    action = catalogue.action(number)
    assert action.structural_axis == {12: 3, 13: 2}[number]  # the structural table's mapping, kept
    assert action.theme_label.startswith({12: "Axe 2", 13: "Axe 3"}[number])  # the fiche's verbatim heading
    note = action.editor_note
    assert note and f"action {number}" in note
    html = action_html(catalogue, action)
    assert "<b>Note</b>" in html and note in html  # the catalogue page's fiche
    assert squeeze("Note (hors texte du PNAE) : " + note) in squeeze(regions["32"].text("prae"))
