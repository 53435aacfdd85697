"""The national common base (one PNAE edition) as immutable, typed values."""

from __future__ import annotations

from dataclasses import dataclass, field

TERRITORIAL_LEVEL_LABELS = {
    "regionale": "Régionale",
    "interregionale": "Interrégionale",
    "nationale": "Nationale",
}


@dataclass(frozen=True)
class SubAction:
    number: int
    text: str
    points: tuple[str, ...] = ()
    group: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class Description:
    intro: str | None
    sub_actions: tuple[SubAction, ...]
    outro: str | None
    capitalisation: str | None
    essaimage: str | None


@dataclass(frozen=True)
class CalendarYear:
    year: int
    items: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Action:
    number: int
    title: str
    theme_label: str
    operational_theme: int | None
    structural_axis: int | None
    notes: tuple[str, ...]
    fields: dict[str, str | None]
    description: Description
    territorial_levels: tuple[str, ...]
    calendar_label: str
    calendar_intro: str | None
    calendar: tuple[CalendarYear, ...]
    # The catalogue editors' note, not PNAE text (shown as « Note »): e.g. actions 12 and 13,
    # whose fiches are headed with each other's structural axis.
    editor_note: str | None = None

    @property
    def key(self) -> str:
        return f"action-{self.number}"


@dataclass(frozen=True)
class OperationalTheme:
    number: int
    title: str
    objectives: tuple[str, ...]
    propositions: tuple[str, ...]
    public_policies: tuple[str, ...]
    partnership: tuple[str, ...]
    practices: tuple[str, ...]


@dataclass(frozen=True)
class StructuralAxis:
    number: int
    title: str
    objectives: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class PriorityTheme:
    number: int
    title: str
    actions: tuple[int, ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class CpoObjective:
    code: str
    text: str
    axis: int


@dataclass(frozen=True)
class CpoAxis:
    number: int
    title: str
    objectives: tuple[CpoObjective, ...]


@dataclass(frozen=True)
class President:
    title: str
    name: str
    functions: str


@dataclass(frozen=True)
class Arml:
    name: str
    presidents: tuple[President, ...]


@dataclass(frozen=True)
class Region:
    insee_code: str
    name: str
    overseas: bool
    seat: str
    arml: Arml | None

    @property
    def state_service(self) -> str:
        """The État's regional service: Dieccte overseas, Direccte elsewhere (2018)."""
        return "Dieccte" if self.overseas else "Direccte"


@dataclass(frozen=True)
class FicheField:
    key: str
    label: str


@dataclass(frozen=True)
class Catalogue:
    key: str
    title: str
    short_title: str
    edition_label: str
    start_year: int
    end_year: int
    source: str
    fiche_model: tuple[FicheField, ...]
    operational_themes: tuple[OperationalTheme, ...]
    structural_axes: tuple[StructuralAxis, ...]
    actions: tuple[Action, ...]
    priority_themes: tuple[PriorityTheme, ...]
    cpo_axes: tuple[CpoAxis, ...]
    regions: tuple[Region, ...]
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    def action(self, number: int) -> Action:
        for action in self.actions:
            if action.number == number:
                return action
        raise KeyError(number)

    def region(self, insee_code: str) -> Region:
        for region in self.regions:
            if region.insee_code == insee_code:
                return region
        raise KeyError(insee_code)

    @property
    def cpo_objectives(self) -> tuple[CpoObjective, ...]:
        return tuple(o for axis in self.cpo_axes for o in axis.objectives)

    @property
    def priority_action_numbers(self) -> tuple[int, ...]:
        seen: list[int] = []
        for theme in self.priority_themes:
            seen.extend(n for n in theme.actions if n not in seen)
        return tuple(sorted(seen))

    def field_label(self, key: str) -> str:
        for f in self.fiche_model:
            if f.key == key:
                return f.label
        return key


def description_as_richtext(description: Description) -> str:
    """The structured 'Description des actions' as editable rich text (numbered sub-actions
    with their sub-points), the form a PRAE action keeps and the PDF export lays out."""
    blocks: list[str] = []
    if description.intro:
        blocks.append(description.intro)
    group = None
    lines: list[str] = []
    for sub in description.sub_actions:
        if sub.group and sub.group != group:
            if lines:
                blocks.append("\n".join(lines))
                lines = []
            blocks.append(f"#### {sub.group}")
            group = sub.group
        lines.append(f"{sub.number}. {sub.text}")
        lines.extend(f"  - {point}" for point in sub.points)
        if sub.after:
            lines.append(f"  {sub.after}")
    if lines:
        blocks.append("\n".join(lines))
    if description.outro:
        blocks.append(description.outro)
    return "\n\n".join(blocks)
