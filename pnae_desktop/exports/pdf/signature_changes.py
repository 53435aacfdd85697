"""What the incremental updates after a signature changed: only more signatures (a field's
value and appearance, the form's field list and flags, the document information), or anything
else (a page's content, an annotation, the catalogue…).

pyHanko's own difference analysis answers the same question but first maps every path to
every object of the document (~0.4 s on the 54-page convention, each time a PDF is read); this
check looks only at the objects each later revision overwrote, which is what an incremental
update can change. New objects are harmless unless an overwritten object points to them, and
every overwritten object is compared key by key with its previous version.

Allowed after a signature, per overwritten object:
- the document information dictionary (title, dates, producer): anything;
- the catalogue: /AcroForm, /Extensions, /Version, /DSS only;
- the form (/AcroForm): /Fields (the earlier fields kept, new ones signature fields),
  /SigFlags, /DR, /DA;
- a signature field: /V (only when it had none: a signature is never replaced), /AP, /AS;
- a page: /Annots only (the earlier annotations kept, new ones signature fields).
Anything else, a freed object or a new catalogue counts as a modification."""

from __future__ import annotations

from typing import Any

CATALOGUE_KEYS = {"/AcroForm", "/Extensions", "/Version", "/DSS"}
FORM_KEYS = {"/Fields", "/SigFlags", "/DR", "/DA"}
SIG_FIELD_KEYS = {"/V", "/AP", "/AS"}
PAGE_KEYS = {"/Annots"}


def _changed_keys(old: Any, new: Any) -> set[str] | None:
    """Keys whose raw value differs (None when one of them is not a dictionary, or a stream)."""
    from pyhanko.pdf_utils import generic  # start-up: on use only

    dict_types = (generic.DictionaryObject,)
    if not isinstance(old, dict_types) or not isinstance(new, dict_types):
        return None
    if isinstance(old, generic.StreamObject) or isinstance(new, generic.StreamObject):
        return None
    keys = set(old.keys()) | set(new.keys())
    return {k for k in keys if (k in old) != (k in new) or old.raw_get(k) != new.raw_get(k)}


def _is_sig_field(obj: Any) -> bool:
    try:
        return obj.get("/FT") == "/Sig" or (obj.get("/Parent") is not None and obj["/Parent"].get("/FT") == "/Sig")
    except Exception:  # noqa: BLE001 - a broken object is not a signature field
        return False


def _grows_with_sig_fields(old_array: Any, new_array: Any) -> bool:
    """The new array keeps every earlier entry, in order, and adds only signature fields."""
    old = list(old_array.get_object()) if old_array is not None else []
    new = list(new_array.get_object()) if new_array is not None else []
    if new[: len(old)] != old:
        return False
    return all(_is_sig_field(entry.get_object()) for entry in new[len(old) :])


def _object_ok(ref: Any, old: Any, new: Any, info_ref: Any, root_ref: Any) -> bool:
    if info_ref is not None and ref == info_ref.reference:
        return True
    changed = _changed_keys(old, new)
    if changed is None:
        return False
    if root_ref is not None and ref == root_ref.reference:
        if not changed <= CATALOGUE_KEYS:
            return False
        if "/AcroForm" in changed and old.get("/AcroForm") is not None:
            return _form_ok(old["/AcroForm"], new["/AcroForm"])
        return True
    if old.get("/Type") == "/Page":
        return changed <= PAGE_KEYS and _grows_with_sig_fields(old.raw_get("/Annots"), new.raw_get("/Annots"))
    if _is_sig_field(old) and _is_sig_field(new):
        return changed <= SIG_FIELD_KEYS and not ("/V" in changed and old.get("/V") is not None)
    if "/Fields" in old or "/SigFlags" in old:  # the form dictionary
        return _form_ok(old, new)
    return False


def _form_ok(old: Any, new: Any) -> bool:
    changed = _changed_keys(old, new)
    if changed is None or not changed <= FORM_KEYS:
        return False
    return "/Fields" not in changed or _grows_with_sig_fields(old.raw_get("/Fields"), new.raw_get("/Fields"))


def revision_only_signs(reader: Any, revision: int) -> bool:
    """Whether `revision` (> 0) of the file only fills signature fields (see the module doc)."""
    xrefs = reader.xrefs
    if xrefs.refs_freed_in_revision(revision):
        return False
    before = reader.get_historical_resolver(revision - 1)
    after = reader.get_historical_resolver(revision)
    root_before = before.trailer_view.raw_get("/Root")
    root_after = after.trailer_view.raw_get("/Root")
    if root_before != root_after:
        return False
    info_ref = after.trailer_view.raw_get("/Info") if "/Info" in after.trailer_view else None
    if info_ref is not None and info_ref != (
        before.trailer_view.raw_get("/Info") if "/Info" in before.trailer_view else None
    ):
        info_ref = None  # a new information dictionary: judged like any other object
    for ref in xrefs.explicit_refs_in_revision(revision):
        if xrefs.get_introducing_revision(ref) >= revision:
            continue  # a new object: only reachable through the objects checked here
        try:
            old, new = before(ref), after(ref)
        except Exception:  # noqa: BLE001 - an unreadable object is a modification
            return False
        if not _object_ok(ref, old, new, info_ref, root_after):
            return False
    return True


def modified_revisions(reader: Any) -> set[int]:
    """The revisions (after the first) that change more than signature fields; any failure to
    analyse a revision counts it as modified."""
    out = set()
    for revision in range(1, reader.xrefs.total_revisions):
        try:
            ok = revision_only_signs(reader, revision)
        except Exception:  # noqa: BLE001
            ok = False
        if not ok:
            out.add(revision)
    return out
