"""Readable renderings of a catalogue edition for the CLI (text outline, JSON)."""

from __future__ import annotations

import json

from pnae_desktop.catalogue.model import TERRITORIAL_LEVEL_LABELS, Catalogue


def as_json(catalogue: Catalogue) -> str:
    return json.dumps(catalogue.raw, ensure_ascii=False, indent=2, sort_keys=True)


def as_text(c: Catalogue) -> str:
    out: list[str] = [f"{c.title} ({c.edition_label})", f"Période : {c.start_year}–{c.end_year}", ""]
    out.append("THÈMES OPÉRATIONNELS")
    for t in c.operational_themes:
        out.append(f"  {t.number}. {t.title}")
    out.append("AXES STRUCTURELS")
    for s in c.structural_axes:
        out.append(f"  Axe {s.number} : {s.title}")
    out.append("THÈMES PRIORITAIRES")
    for p in c.priority_themes:
        out.append(f"  {p.number}. {p.title} (actions {', '.join(map(str, p.actions))})")
    out.append("ACTIONS")
    for a in c.actions:
        levels = ", ".join(TERRITORIAL_LEVEL_LABELS[lv] for lv in a.territorial_levels) or "—"
        out.append(f"  {a.number}. {a.title}")
        out.append(f"     {a.theme_label}")
        out.append(f"     Sous-actions : {len(a.description.sub_actions)} ; dimension : {levels}")
        for sub in a.description.sub_actions:
            out.append(f"       {sub.number}. {sub.text[:100]}{'…' if len(sub.text) > 100 else ''}")
    out.append("OBJECTIFS DE L'ÉTAT (instruction DGEFP/SDPAE/2017/331)")
    for axis in c.cpo_axes:
        out.append(f"  Axe {axis.number} : {axis.title}")
        for o in axis.objectives:
            first = o.text.split("\n", 1)[0]
            out.append(f"    {o.code} {first[:100]}{'…' if len(first) > 100 else ''}")
    out.append("RÉGIONS")
    for r in c.regions:
        arml = r.arml.presidents[0].name if r.arml else "pas d'ARML"
        out.append(f"  {r.insee_code} {r.name} – {arml}")
    return "\n".join(out) + "\n"
