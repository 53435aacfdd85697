"""The compte rendu financier of one year of the programme (CERFA n° 15059 structure), PDF.

1. the bilan qualitatif of the actions realised; 2. the synthesis table of charges and
produits, « Prévu », « Réalisé », « Écart » in € and %; 3. the indirect charges shared out and
their rule; 4. the explanation of the gaps; 5. the contributions volontaires en nature (86/87);
then the attestation signed by the ARML's legal representative, with an empty digital
signature field « Signature_ARML » over its box.

Same page furniture as the convention: the ARML and the document in the header, page X / Y,
the ARML's initials box and the document's short fingerprint in the footer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from pnae_desktop.domain.followup_report import CompteRendu, compte_rendu
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.pdf.convention import SignatureArea
from pnae_desktop.exports.pdf.document import ExportDoc, Heading, write_pdf
from pnae_desktop.exports.pdf.followup_common import (
    SHORT_FINGERPRINT,
    FollowupData,
    action_account,
    fingerprint_note,
    follow_meta,
    gap_rows_table,
    gap_table,
    pct_text,
    prae_of,
    signed_money,
    splittable,
    title_block,
)
from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, decor_for
from pnae_desktop.exports.pdf.prae_data import ABSENT, money
from pnae_desktop.exports.pdf.signature_fields import SignaturePlacement, add_signature_fields, field_name_for
from pnae_desktop.exports.pdf.styles import FRAME_WIDTH, para, styles
from pnae_desktop.exports.pdf.tables import column_widths, data_table

SIGNATURE_FIELD = field_name_for("arml")
CERFA = "Modèle du compte rendu financier de l'action subventionnée (Cerfa n° 15059)"


def cr_meta(data: FollowupData, year: int, app_version: str | None = None) -> PdfMeta:
    header = f"Compte rendu financier {year}"
    return follow_meta(data.detail, header, header, app_version)


def _synthesis(cr: CompteRendu) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [
        Heading("2. Tableau de synthèse", st.article, level=0),
        para(
            f"Charges et produits de l'exercice {cr.year} : le prévu est le budget prévisionnel de "
            "la convention, le réalisé est issu du suivi (saisie ou comptabilité). L'écart est le "
            "réalisé moins le prévu, en euros et en pourcentage du prévu.",
            st.body,
        ),
        gap_rows_table(
            "Charges",
            [
                *((x, False) for x in cr.charges if x.key != "charge:68"),
                (cr.direct, True),
                *((x, False) for x in cr.charges if x.key == "charge:68"),
                (cr.indirect, False),
                (cr.charges_total, True),
                (cr.contributions_charges, False),
                (cr.charges_with_contributions, True),
            ],
        ),
        Spacer(1, 8),
        gap_rows_table(
            "Produits",
            [
                *((x, False) for x in cr.products),
                (cr.products_total, True),
                (cr.contributions_products, False),
                (cr.products_with_contributions, True),
            ],
        ),
        Spacer(1, 4),
    ]
    r = cr.result
    word = "excédent" if r.realised_cents > 0 else ("déficit" if r.realised_cents < 0 else "équilibre")
    out.append(
        para(
            f"Résultat réalisé de l'exercice (produits − charges) : {signed_money(r.realised_cents)} "
            f"({word}) ; prévu : {signed_money(r.forecast_cents)}.",
            st.body_left,
        )
    )
    return out


def _indirect(cr: CompteRendu) -> list[Flowable]:
    st = styles()
    share = cr.share
    out: list[Flowable] = [
        Heading("3. Charges indirectes réparties", st.article, level=0),
        para(share.rule, st.body),
        para(
            "Les frais de structure sont ceux du budget de l'année ; le suivi enregistre les charges "
            "directes des actions, dont la part réalisée de chacune découle.",
            st.note,
        ),
    ]
    if share.by_action:
        rows = [[title, money(f), money(r)] for title, f, r in share.by_action]
        rows.append(
            [
                "Total réparti",
                money(sum(f for _, f, _ in share.by_action)),
                money(sum(r for _, _, r in share.by_action)),
            ]
        )
        out.append(
            data_table(
                ["Fiche action", "Prévu", "Réalisé"], rows, numeric=[False, True, True], total_rows=[len(rows) - 1]
            )
        )
    else:
        out.append(para("Aucun frais de structure n'est prévu pour cette année.", st.absent))
    return out


def _explanations(cr: CompteRendu, threshold: Decimal) -> list[Flowable]:
    st = styles()
    lines = [g for g in (*cr.gaps.charges, *cr.gaps.financing) if g.explanation.strip() or g.needs_explanation]
    out: list[Flowable] = [
        Heading("4. Explication des écarts", st.article, level=0),
        para(
            "Écarts entre le prévu et le réalisé par action et nature de charge, et par financeur, "
            f"qui dépassent le seuil de suivi ({pct_text(threshold, signed=False)}) ou portent sur "
            "une ligne sans prévision.",
            st.body,
        ),
    ]
    if not lines:
        out.append(para("Aucun écart significatif.", st.absent))
        return out
    rows = []
    for g in lines:
        text = g.explanation.strip() or "Explication non renseignée."
        rows.append(
            [
                g.label,
                money(g.forecast_cents),
                money(g.realised_cents),
                signed_money(g.gap_cents),
                pct_text(g.gap_pct),
                text,
            ]
        )
    header = ["Ligne", "Prévu", "Réalisé", "Écart", "Écart (%)", "Explication"]
    numeric = [False, True, True, True, True, False]
    widths = column_widths(header, rows, numeric, FRAME_WIDTH, 7.5)
    text_room = widths[0] + widths[5]  # the line and its explanation share the text room evenly
    widths[0] = widths[5] = text_room / 2
    out.append(splittable(data_table(header, rows, numeric=numeric, size=7.5, widths=widths)))
    if cr.gaps.unexplained:
        out.append(para(f"{cr.gaps.unexplained} écart(s) restent à expliquer.", st.note))
    return out


def _contributions(cr: CompteRendu) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [
        Heading("5. Contributions volontaires en nature", st.article, level=0),
        para(
            "Bénévolat, mises à disposition gratuites de biens et de personnes, dons en nature "
            "(comptes 86 et 87), valorisés et réalisés dans l'année.",
            st.body,
        ),
    ]
    if not cr.contribution_items:
        out.append(para("Aucune contribution volontaire en nature n'a été enregistrée.", st.absent))
    else:
        rows = [[account, label or ABSENT, money(cents)] for account, label, cents in cr.contribution_items]
        out.append(data_table(["Compte", "Nature", "Réalisé"], rows, numeric=[False, False, True]))
    out.append(Spacer(1, 8))
    out.append(gap_table("Contributions", [cr.contributions_charges, cr.contributions_products]))
    return out


def _attestation(
    data: FollowupData, cr: CompteRendu, registry: dict[str, SignaturePlacement], fingerprint: str
) -> list[Flowable]:
    st = styles()
    org = data.detail.organisation
    who = org.representative_name or "(nom et prénom)"
    quality = org.representative_title or "représentant(e) légal(e)"
    block: list[Flowable] = [
        Heading("Attestation", st.article, level=0),
        para(
            f"Je soussigné(e), {who}, {quality} de {org.name}, certifie exactes les "
            f"informations du présent compte rendu financier de l'exercice {cr.year} et leur "
            "conformité aux documents comptables de l'association.",
            st.body,
        ),
        para("Fait à ______________________________, le ____________________", st.body_left),
        Spacer(1, 3 * mm),
        para(f"Pour {org.name},", st.body_left),
        SignatureArea(FRAME_WIDTH / 2, 34 * mm, SIGNATURE_FIELD, "Signature – ARML", registry),
        para("Signature du représentant légal et cachet", st.note),
        *fingerprint_note(fingerprint),
    ]
    return [KeepTogether(block)]


def cr_story(
    data: FollowupData, year: int, meta: PdfMeta, registry: dict[str, SignaturePlacement], fingerprint: str
) -> tuple[list[Flowable], PageDecor]:
    st = styles()
    cr = compte_rendu(data.detail, data.budget, data.totals, data.followup, year)
    story: list[Flowable] = title_block(
        data,
        "Compte rendu financier",
        f"Exercice {year} – du 1er janvier au 31 décembre {year}",
        [("Modèle", CERFA)],
    )
    story.append(Heading("1. Bilan qualitatif de l'action réalisée", st.article, level=0))
    story.append(
        para(
            "Pour chaque fiche action du programme : ce qui a été réalisé dans l'année, les "
            "difficultés rencontrées, les livrables produits et les indicateurs au regard des cibles.",
            st.body,
        )
    )
    prae = prae_of(data)
    for action in data.detail.actions:
        story.append(Heading(prae.fiche_title(action), st.subheading, level=1))
        story += action_account(data, action, year)
    story.append(PageBreak())
    story += _synthesis(cr)
    story += _indirect(cr)
    story += _explanations(cr, data.followup.threshold_pct)
    story += _contributions(cr)
    story += _attestation(data, cr, registry, fingerprint)
    return story, decor_for(meta, fingerprint=fingerprint[:SHORT_FINGERPRINT], initials=["ARML"])


def build_compte_rendu_pdf(
    data: FollowupData, year: int, out_path: Path | str, *, fingerprint: str, app_version: str | None = None
) -> Path:
    """Write the compte rendu financier of `year` with its ARML signature field."""
    meta = cr_meta(data, year, app_version)
    registry: dict[str, SignaturePlacement] = {}
    story, decor = cr_story(data, year, meta, registry, fingerprint)
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor)
        add_signature_fields(tmp, [registry[SIGNATURE_FIELD]])
    return Path(out_path)
