"""The PDF writers: the PRAE (prae.py) and the convention ready to sign (convention.py), built
with reportlab from data already loaded (no store, no services), on shared parts: fonts and
French typography (text.py), styles (styles.py), the document and its page decoration
(document.py, page.py), tables (tables.py) and lists (lists.py)."""
