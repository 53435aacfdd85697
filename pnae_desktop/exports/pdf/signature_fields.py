"""Empty digital signature fields, one per signatory, placed over the signature boxes.

The PDF is written by reportlab, which records where it drew each signature box
(:class:`SignaturePlacement`, in PDF points from the bottom-left corner of the page); pyHanko
then adds the fields as an incremental update. A reviewer who signs electronically clicks the
field named after their party ("Signature_Etat", "Signature_Region", "Signature_ARML") in any
PDF reader that signs (Adobe Acrobat Reader, Foxit, LibreOffice, pyHanko…).

pyHanko is imported on first use: it takes most of a second to import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyHanko is imported on first use (see above)
    from pyhanko.pdf_utils.generic import IndirectObject, PdfObject
    from pyhanko.pdf_utils.reader import PdfFileReader

# Party keys of the convention model and the names their fields and initials boxes take.
PARTY_LABELS = {"state": "État", "region": "Région", "arml": "ARML"}
PARTY_FIELD_SUFFIX = {"state": "Etat", "region": "Region", "arml": "ARML"}


def party_label(party: str, heading: str = "") -> str:
    """Short label of a signatory, for its initials box: "État", "Région", "ARML"; the regional
    authority by its kind where it is not a Région ("Pour la Collectivité de Corse,")."""
    if party == "region":
        kind = next((k for k in ("Collectivité", "Département") if k in heading), None)
        if kind is not None:
            return kind
    return PARTY_LABELS.get(party, party.replace("_", " ").capitalize())


def field_name_for(party: str) -> str:
    """The signature field's name for a party: "Signature_Etat" (ASCII, no spaces or dots,
    since a dot separates the parts of a PDF field name)."""
    suffix = PARTY_FIELD_SUFFIX.get(party)
    if suffix is None:
        ascii_ = unicodedata.normalize("NFKD", party).encode("ascii", "ignore").decode()
        suffix = "_".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", ascii_) if w) or "Partie"
    return f"Signature_{suffix}"


@dataclass(frozen=True)
class SignaturePlacement:
    field_name: str  # "Signature_Etat"
    label: str  # shown as the field's tooltip: "Signature pour l'État"
    page_index: int  # 0-based
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points


@dataclass(frozen=True)
class SignatureFieldInfo:
    name: str
    signed: bool  # the field holds a signature (/V)
    page_index: int | None
    box: tuple[float, float, float, float] | None


def add_signature_fields(pdf_path: Path | str, placements: Iterable[SignaturePlacement]) -> None:
    """Add one empty signature field per placement to the PDF, in place (incremental update)."""
    # start-up: pyHanko only when fields are added or read
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    wanted = list(placements)
    if not wanted:
        return
    with open(pdf_path, "r+b") as f:
        writer = IncrementalPdfFileWriter(f, strict=False)
        for p in wanted:
            append_signature_field(
                writer,
                SigFieldSpec(
                    p.field_name,
                    on_page=p.page_index,
                    # pyHanko annotates the box as ints but writes each value as a PDF real
                    box=tuple(round(v, 2) for v in p.box),  # type: ignore[arg-type]
                    readable_field_name=p.label,
                ),
            )
        writer.write_in_place()


def list_signature_fields(pdf_path: Path | str) -> list[SignatureFieldInfo]:
    """The signature fields of a PDF, filled or not, with their page and rectangle."""
    # start-up: pyHanko only when fields are added or read
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    out: list[SignatureFieldInfo] = []
    with open(pdf_path, "rb") as f:
        reader = PdfFileReader(f, strict=False)
        pages = {page.idnum: i for i, page in enumerate(_page_refs(reader))}
        for name, value, ref in enumerate_sig_fields(reader):
            field = ref.get_object()
            page_ref = field.get("/P")
            page_index = pages.get(page_ref.idnum) if page_ref is not None else None
            rect = field.get("/Rect")
            box = None
            if rect is not None:  # a PDF rectangle: x1, y1, x2, y2
                x1, y1, x2, y2 = (float(v) for v in rect)
                box = (x1, y1, x2, y2)
            out.append(SignatureFieldInfo(str(name), value is not None, page_index, box))
    return out


def _page_refs(reader: PdfFileReader) -> list[IndirectObject]:
    """The references of the document's pages, in order (the page tree walked depth first)."""
    # start-up: pyHanko only when fields are added or read
    from pyhanko.pdf_utils.generic import IndirectObject

    refs: list[IndirectObject | None] = []

    def walk(node_ref: PdfObject) -> None:
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            refs.append(node_ref if isinstance(node_ref, IndirectObject) else None)

    walk(reader.root.raw_get("/Pages"))
    return [r for r in refs if r is not None]
