"""PDF exports read back: the CPO (signed-ready, with its annexes and empty signature fields)
and the PRAE, built from the demo PRAE, checked with pypdf, qpdf, pdffonts, pdftoppm and
pyHanko (a field signed with a self-signed certificate made here, then validated)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pypdf
import pytest

from pnae_desktop import __version__
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.amount_words import amount_in_words
from pnae_desktop.domain.amount_words import format_amount as amount_figures
from pnae_desktop.domain.money import format_amount
from pnae_desktop.exports.pdf import styles as pdf_styles
from pnae_desktop.exports.pdf import text as pdf_text
from pnae_desktop.exports.pdf.convention import AnnexData, build_convention_pdf
from pnae_desktop.exports.pdf.page import PdfMeta
from pnae_desktop.exports.pdf.prae import build_prae_pdf, prae_fingerprint
from pnae_desktop.exports.pdf.prae_data import ADAPTED_LABEL
from pnae_desktop.exports.pdf.signature_fields import field_name_for, list_signature_fields
from pnae_desktop.exports.pdf.tables import column_widths
from pnae_desktop.exports.pdf.text import french_spacing
from pnae_desktop.services import budget as budget_services
from pnae_desktop.services import demo, drafting, praes
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"
PAGE_LABEL = re.compile(r"page (\d+) / (\d+)")


def need(tool: str) -> str:
    """The path of a command-line tool; skipped locally when absent, never in CI."""
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} absent : installer poppler-utils et qpdf (voir .ci/system-packages)"
        if IN_CI:
            pytest.fail(reason + " (jamais ignoré en CI)")
        pytest.skip(reason)
    return path


def normalise(text: str) -> str:
    """Extracted text with every kind of space as one plain space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


# ---------------------------------------------------------------- a realistic context

AXIS_LABELS = {
    "1": "Axe 1 – Politiques publiques",
    "2": "Axe 2 – Projet territorial",
    "3": "Axe 3 – Professionnalisation",
    "4": "Axe 4 – Expertise",
}


def demo_convention_context(detail, catalogue, budget, totals, *, joint: bool = True):
    """A complete ConventionContext from the demo PRAE's budget (what services/convention.py
    will build): funders and axis costs from the budget totals, names made up."""
    years = detail.years
    period = cv.Period(years[0], years[-1])
    region = catalogue.region(detail.summary.region_code)
    council_name = f"Région {region.name}"
    funders = []
    for f in budget.funders:
        amounts = {y: totals.financing_by_funder_year.get((f.id, y), 0) for y in years}
        if not any(amounts.values()):
            continue
        key = "state" if f.kind == "etat" else f.kind
        name = {"state": "État", "region": council_name}.get(key, f.name)
        party = key == "state" or (joint and key == "region")
        funders.append(cv.Funder(key, name, party, amounts))
    axis_costs = tuple(
        cv.AxisCost(int(a), AXIS_LABELS[a], {y: totals.full_by_axis_year.get((a, y), 0) for y in years})
        for a in AXIS_LABELS
    )
    objectives = tuple(
        cv.Objective(o.code, axis.number, axis.title, o.text) for axis in catalogue.cpo_axes for o in axis.objectives
    )
    org = detail.organisation
    ctx = cv.ConventionContext(
        region=cv.RegionInfo(region.insee_code, region.name, region.overseas),
        period=period,
        prae_period=period,
        arml=cv.ArmlInfo(
            name=org.name,
            address=org.address,
            siret=org.siret or "",
            project=f"représenter, coordonner et animer le réseau des missions locales de la région {region.name}",
            signatory=cv.Signatory("M. Jacques Crosnier", "président"),
        ),
        state=cv.StateInfo(
            prefect=cv.Signatory("M. Jean Exemple", f"préfet de la région {region.name}, préfet de Paris"),
            signatory=cv.Signatory(
                "Mme Claire Modèle",
                "directrice régionale des entreprises, de la concurrence, de la consommation, du travail "
                "et de l'emploi",
            ),
        ),
        council=cv.CouncilInfo(
            council_name,
            cv.Signatory("Mme Anne Témoin", "présidente du conseil régional"),
            "n° CP 2018-123 de la commission permanente du 24 mai 2018",
        )
        if joint
        else None,
        prae_title=detail.summary.title,
        objectives=objectives,
        axis_costs=axis_costs,
        funders=tuple(funders),
        steering=cv.Steering(
            (
                f"le préfet de la région {region.name} ou son représentant (Direccte)",
                "la présidente du conseil régional ou son représentant",
                "un représentant des cotisations des missions locales",
                "un représentant des fonds européens (FSE/IEJ)",
                "le président de l'association",
            ),
            2,
        ),
        signature=cv.SignatureInfo("Paris", date(2018, 3, 28)),
    )
    return replace(ctx, payments=cv.default_payment_schedules(ctx))


# ---------------------------------------------------------------- built once per module


class Built:
    """The demo's inputs and the two PDFs, with their text per page."""

    def __init__(self, folder, catalogue):
        self.store = open_store(folder / "pnae.sqlite")
        self.catalogue = catalogue
        prae_id = demo.create_demo(self.store, catalogue)
        first = praes.get_prae(self.store, prae_id).actions[0]
        # one adapted field, with French punctuation and a numbered item with sub-items
        drafting.update_action(
            self.store,
            first.id,
            {
                "contexte": (first.fields["contexte"] or "")
                + "\n\nEn Île-de-France, 80 % des missions locales appliquent la charte ; objectif : 100 % !",
                "description": (first.fields["description"] or "")
                + "\n4. Former les référents I-milo :\n  - sessions trimestrielles ;\n  - tutoriels.",
            },
        )
        self.detail = praes.get_prae(self.store, prae_id)
        self.budget, self.totals, problems = budget_services.totals(self.store, prae_id)
        assert problems == []
        self.context = demo_convention_context(self.detail, catalogue, self.budget, self.totals)
        self.rendered = cv.render(cv.initial_state(), self.context)
        assert self.rendered.unresolved == () and self.rendered.problems == ()
        org = self.detail.organisation.name
        self.convention_meta = PdfMeta(
            title="Convention pluriannuelle d'objectifs 2018-2020",
            author=org,
            subject="CPO État – Région – ARML",
            keywords=("CPO", "PRAE"),
        )
        self.convention = build_convention_pdf(
            self.rendered,
            AnnexData(self.detail, catalogue, self.budget, self.totals),
            folder / "convention.pdf",
            meta=self.convention_meta,
        )
        self.prae = build_prae_pdf(
            self.detail,
            catalogue,
            self.budget,
            self.totals,
            folder / "prae.pdf",
            meta=PdfMeta(title=self.detail.summary.title, author=org),
        )
        self.convention_pages = [p.extract_text() for p in pypdf.PdfReader(self.convention).pages]
        self.prae_pages = [p.extract_text() for p in pypdf.PdfReader(self.prae).pages]

    def text(self, pages) -> str:
        return normalise("\n".join(pages))


@pytest.fixture(scope="module")
def built(tmp_path_factory, catalogue):
    result = Built(tmp_path_factory.mktemp("pdf"), catalogue)
    yield result
    result.store.close()


# ---------------------------------------------------------------- typography and tables


def test_french_spacing_puts_no_break_spaces_where_french_wants_them():
    assert french_spacing("Objet : la convention ; oui ! non ? « cité »") == (
        "Objet\u00a0: la convention\u00a0; oui\u00a0! non\u00a0? «\u00a0cité\u00a0»"
    )
    # U+202F (Babel's groups) becomes U+00A0: reportlab would break lines at U+202F
    assert french_spacing(format_amount(123456789)) == "1\u00a0234\u00a0567,89\u00a0€"
    assert french_spacing("55,0 % ; n° 12 ; article 1er ; annexe II") == (
        "55,0\u00a0%\u00a0; n°\u00a012\u00a0; article\u00a01er\u00a0; annexe\u00a0II"
    )
    # nothing added where the text has no space
    assert french_spacing("https://example.fr «x»") == "https://example.fr «x»"
    assert "\u202f" not in french_spacing("a\u202f;b")


def test_the_font_covers_french_and_is_registered_once():
    from reportlab.pdfbase import pdfmetrics

    name = pdf_text.register_fonts()
    assert pdf_text.register_fonts() == name
    face = pdfmetrics.getFont(name).face
    for char in "œŒ«»’€…–—éèêàâçîôùûÉÈÀÇ\u00a0\u202f°":
        assert ord(char) in face.charToGlyph, char


def test_column_widths_fill_the_width_and_never_wrap_figures():
    header = ("Financeur", "2018", "2019", "Total")
    rows = [("Cotisations des missions locales " * 3, "1 234 567,00 €", "12,00 €", "1 234 579,00 €")]
    widths = column_widths(header, rows, (False, True, True, True), 400)
    assert sum(widths) == pytest.approx(400)
    for c in (1, 2, 3):
        figure = french_spacing(rows[0][c])
        assert widths[c] >= pdf_text.text_width(figure, pdf_text.FONT, pdf_styles.CELL_SIZE)


# ---------------------------------------------------------------- the convention


def test_every_convention_page_is_numbered_and_carries_the_short_fingerprint(built):
    pages = built.convention_pages
    short = built.rendered.fingerprint()[:12]
    assert len(pages) > 20
    for i, text in enumerate(pages, start=1):
        labels = PAGE_LABEL.findall(text)
        assert labels == [(str(i), str(len(pages)))], (i, labels)
        assert short in text, i
    # the full fingerprint on the signature page only (and the title page)
    full = built.rendered.fingerprint()
    where = [i for i, t in enumerate(pages) if full in normalise(t).replace(" ", "")]
    signature_page = next(i for i, t in enumerate(pages) if "Signature et cachet" in t)
    assert signature_page in where


def test_the_convention_contains_its_text_amounts_and_every_action(built):
    text = built.text(built.convention_pages)
    r, ctx = built.rendered, built.context
    for line in r.title:
        assert normalise(line) in text
    for a in r.articles:
        assert normalise(a.heading) in text
    for action in built.detail.actions:
        assert normalise(action.title) in text, action.title
    state = ctx.funder("state")
    state_total = sum(state.amounts.values())
    grand_total = cv.amount_value(ctx, "cost.total")
    for cents in (state_total, grand_total, *state.amounts.values()):
        assert normalise(amount_figures(cents)) in text
    assert normalise(amount_in_words(state_total)) in text
    # annex II: the budget totals as the app formats them
    assert normalise(format_amount(built.totals.full_total)) in text
    assert normalise(format_amount(built.totals.financing_total)) in text
    for y in built.detail.years:
        assert normalise(format_amount(built.totals.full_by_year[y])) in text
    assert normalise(r.signature_closing) in text
    for s in r.signatures:
        assert normalise(s.name) in text
    for label in ("Annexe I", "Annexe II", "Annexe III", "Paraphes"):
        assert label in text


def test_convention_metadata_and_structure(built):
    qpdf = need("qpdf")
    check = subprocess.run([qpdf, "--check", str(built.convention)], check=False, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    info = pypdf.PdfReader(built.convention).metadata
    assert info.title == built.convention_meta.title
    assert info.author == built.detail.organisation.name
    assert info.subject == built.convention_meta.subject
    assert info.creator == f"PNAE Desktop {__version__}"
    reader = pypdf.PdfReader(built.convention)
    assert {round(float(v)) for v in reader.pages[0].mediabox[2:]} == {595, 842}  # A4
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "Préambule" in outline and "Signatures" in outline and "Annexe II" in outline


def test_every_font_is_embedded(built):
    pdffonts = need("pdffonts")
    for path in (built.convention, built.prae):
        out = subprocess.run([pdffonts, str(path)], capture_output=True, text=True, check=True).stdout
        rows = out.strip().splitlines()[2:]
        assert rows, out
        for row in rows:
            emb = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row)
            assert emb and emb.group(1) == "yes", row
            assert "Liberation" in row


def test_empty_signature_fields_lie_over_the_signature_boxes(built):
    reader = pypdf.PdfReader(built.convention)
    fields = reader.get_fields()
    names = [field_name_for(s.party) for s in built.rendered.signatures]
    assert names == ["Signature_Etat", "Signature_Region", "Signature_ARML"]
    for name in names:
        assert fields[name].get("/FT") == "/Sig"
        assert "/V" not in fields[name]
    infos = {f.name: f for f in list_signature_fields(built.convention)}
    assert set(infos) == set(names)
    signature_page = next(i for i, t in enumerate(built.convention_pages) if "Signature et cachet" in t)
    for info in infos.values():
        assert not info.signed
        assert info.page_index == signature_page
        x1, y1, x2, y2 = info.box
        assert pdf_styles.LEFT_MARGIN - 1 <= x1 < x2 <= pdf_styles.PAGE_WIDTH - pdf_styles.RIGHT_MARGIN + 1
        assert pdf_styles.BOTTOM_MARGIN <= y1 < y2 <= pdf_styles.PAGE_HEIGHT - pdf_styles.TOP_MARGIN
        assert x2 - x1 > 150 and y2 - y1 > 60  # room to sign and stamp
    boxes = [infos[n].box for n in names]
    for a in range(len(boxes)):  # no two boxes overlap
        for b in range(a + 1, len(boxes)):
            (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = boxes[a], boxes[b]
            assert ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1


def _self_signed():
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Claire Modèle (test)"),
        ]
    )
    now = datetime.now(timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


def test_pyhanko_signs_a_field_and_the_signature_validates(built, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert, key = _self_signed()
    signer = signers.SimpleSigner(cert, key, SimpleCertificateStore.from_certs([cert]))
    signed = tmp_path / "convention-signee.pdf"
    with open(built.convention, "rb") as source:
        writer = IncrementalPdfFileWriter(source)
        out = signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(field_name="Signature_Etat", location="Paris"),
            signer=signer,
            existing_fields_only=True,
        )
        signed.write_bytes(out.getvalue())
    with open(signed, "rb") as f:
        reader = PdfFileReader(f)
        assert len(reader.embedded_signatures) == 1
        sig = reader.embedded_signatures[0]
        assert sig.field_name == "Signature_Etat"
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[cert], allow_fetching=False))
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    fields = {f.name: f.signed for f in list_signature_fields(signed)}
    assert fields == {"Signature_Etat": True, "Signature_Region": False, "Signature_ARML": False}
    assert len(pypdf.PdfReader(signed).pages) == len(built.convention_pages)


def test_a_draft_convention_is_stamped_and_gets_no_signature_field(built, tmp_path):
    # the État alone, and a SIRET left to complete: a draft
    ctx = demo_convention_context(built.detail, built.catalogue, built.budget, built.totals, joint=False)
    ctx = replace(ctx, arml=replace(ctx.arml, siret=""))
    rendered = cv.render(cv.initial_state(), ctx)
    assert rendered.unresolved
    path = build_convention_pdf(rendered, None, tmp_path / "projet.pdf", meta=built.convention_meta)
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    assert all("PROJET" in t for t in pages)
    assert "[à compléter : arml.siret]" in normalise("\n".join(pages))
    assert pypdf.PdfReader(path).get_fields() in (None, {})
    for t in pages:  # the État and the ARML initial every page; no Région
        assert "État" in t and "ARML" in t
    # the same text, complete: fields for the État and the ARML only
    complete = cv.render(cv.initial_state(), replace(ctx, arml=built.context.arml))
    path = build_convention_pdf(complete, None, tmp_path / "etat-seul.pdf", meta=built.convention_meta)
    assert sorted(pypdf.PdfReader(path).get_fields()) == ["Signature_ARML", "Signature_Etat"]


# ---------------------------------------------------------------- the PRAE


def test_the_prae_pdf_has_a_numbered_table_of_contents_and_every_fiche(built):
    pages = built.prae_pages
    short = prae_fingerprint(built.detail, built.totals)[:12]
    for i, text in enumerate(pages, start=1):
        assert PAGE_LABEL.findall(text) == [(str(i), str(len(pages)))]
        assert short in text
    text = built.text(pages)
    assert "Sommaire" in pages[1]
    # the TOC's page numbers, in order: synthesis, coverage, "Fiches actions", then each fiche
    toc_numbers = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", pages[1], re.MULTILINE)]
    starts = []
    for n, action in enumerate(built.detail.actions, start=1):
        assert normalise(action.title) in text
        heading = normalise(f"Fiche {n} – {action.title}")
        starts.append(next(i for i, t in enumerate(pages[2:], start=3) if heading in normalise(t)))
    assert toc_numbers[3 : 3 + len(starts)] == starts, (toc_numbers, starts)
    for n, action in enumerate(built.detail.actions, start=1):
        assert normalise(f"Fiche {n} – {action.title}") in normalise(pages[1])
    for label in (
        "Contexte",
        "Enjeux et attentes",
        "Description des actions",
        "Animation",
        "Co-animation",
        "La/les ARML référentes",
        "La/les ARML concernées",
        "Les acteurs concernés et/ou impliqués",
        "La dimension territoriale",
        "Le calendrier prévisionnel",
        "Livrables",
        "Objectifs CPO servis",
        "Indicateurs",
        "Budget prévisionnel de l'action",
        "Couverture des objectifs de la CPO",
    ):
        assert label in text, label
    # the adapted fields of fiche 1 are marked, and only there
    first = normalise(pages[4] + pages[5])
    assert ADAPTED_LABEL in first
    assert text.count(ADAPTED_LABEL) == 2  # contexte and description
    assert "objectif : 100 % !" in text  # no-break spaces kept the punctuation attached
    assert "4. Former les référents I-milo" in text
    # budget and indicator summaries, to the cent
    assert normalise(format_amount(built.totals.full_total)) in text
    ind = built.detail.actions[0].indicators[0]
    assert normalise(ind.label) in text
    assert "T2 2018" in text  # milestones with their quarter


def test_prae_pages_render_to_png(built, tmp_path):
    pdftoppm = need("pdftoppm")
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "3", str(built.prae), str(tmp_path / "p")],
        check=True,
        capture_output=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 3
    for png in pngs:
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5_000


def test_an_empty_prae_without_budget_still_exports(catalogue, tmp_path):
    from pnae_desktop.domain.entities import NewPrae

    store = open_store(tmp_path / "vide.sqlite")
    try:
        prae_id = praes.create_prae(store, catalogue, NewPrae("02", 2018, 2020, ()))
        detail = praes.get_prae(store, prae_id)
    finally:
        store.close()
    meta = PdfMeta(title=detail.summary.title, author=detail.organisation.name)
    path = build_prae_pdf(detail, catalogue, None, None, tmp_path / "vide.pdf", meta=meta)
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    assert PAGE_LABEL.findall(pages[-1]) == [(str(len(pages)), str(len(pages)))]
    assert "Non couvert" in normalise("\n".join(pages))
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary left


def test_the_export_entry_points_services_call(built, tmp_path):
    from pnae_desktop.exports.pdf import convention as convention_pdf
    from pnae_desktop.exports.pdf import prae as prae_pdf

    meta = convention_pdf.convention_meta(built.rendered, built.detail, "9.9")
    assert meta.author == built.detail.organisation.name
    assert meta.header_title == "Convention pluriannuelle d'objectifs 2018-2020"
    assert meta.creator == "PNAE Desktop 9.9"
    path = prae_pdf.export(
        built.detail,
        built.catalogue,
        built.budget,
        built.totals,
        tmp_path / "p.pdf",
        app_version=__version__,
    )
    info = pypdf.PdfReader(path).metadata
    assert info.title == built.detail.summary.title
    assert info.creator == f"PNAE Desktop {__version__}"
    assert "PRAE" in info.get("/Keywords", "")


# ---------------------------------------------------------------- the writers' shape


def test_budget_sections_say_plainly_when_the_prae_comes_without_budget(built):
    from pnae_desktop.exports.pdf.budget_summary import cost_per_axis_table, financing_table
    from pnae_desktop.exports.pdf.prae_data import PraeData

    bare = PraeData(built.detail, built.catalogue)
    with pytest.raises(ValueError, match="budget"):
        cost_per_axis_table(bare)
    with pytest.raises(ValueError, match="budget"):
        financing_table(PraeData(built.detail, built.catalogue, None, built.totals))
    assert cost_per_axis_table(PraeData(built.detail, built.catalogue, built.budget, built.totals))


def test_the_pdf_writers_are_pure_and_split_by_job():
    """The PDF writers turn loaded data into a file: they import neither the store, the
    services, the UI nor the CLI (at module or function level), and no module is over 600 lines."""
    import ast
    from pathlib import Path

    import pnae_desktop.exports.pdf as package

    folder = Path(package.__file__).parent
    modules = sorted(folder.glob("*.py")) + [folder.parent / "files.py", folder.parent / "libreoffice.py"]
    forbidden = tuple(f"pnae_desktop.{layer}" for layer in ("store", "services", "ui", "cli"))
    for path in modules:
        source = path.read_text(encoding="utf-8")
        assert source.count("\n") <= 600, path.name
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            bad = [n for n in names if n.startswith(forbidden)]
            assert not bad, f"{path.name} imports {bad}"
