"""The CPO (convention pluriannuelle d'objectifs) as data and its text engine.

Modules, by job: ``context`` (the values quoted), ``placeholders``, ``template`` (the model and
its schema), ``state`` (a region's adaptation and its edits), ``blocks`` (rendered output and
parsing), ``render``, ``diff``, ``checks`` (before export), ``suggestions``. This package
re-exports their public names: ``from pnae_desktop.domain import convention as cv; cv.render(...)``.

The model convention lives in ``resources/convention/<key>.json`` (schema alongside). A
region adapts it through a ``ConventionState``: the model articles in order, each possibly with
an override text or title, removed (optional articles only), plus articles it added. Rendering
takes a ``ConventionContext`` (the values, all defined below) and returns blocks the UI and the
PDF lay out; ``check`` lists what must be fixed before export.

Placeholders, inside texts:

- ``{arml.name}``: a value (see ``VALUES`` for every name);
- ``{amount:state.total}``, ``{amount:region.2019}``: an amount in figures and in words;
  ``state``/``region``/any funder key, ``parties`` (the signing funders together) or ``cost``
  (the programme's cost), then ``total`` or a year;
- ``{ref:duree}``: "article 2", following the current numbering;
- ``{phrase:parties_definition}``: a sentence of the model, worded for a convention signed by
  the État alone or jointly with the Région;
- ``{table:cost_per_axis}``, ``{list:objectives}``: a block (see ``TABLES`` and ``LISTS``), alone
  on its line.

Braces around anything containing a space are plain text. A value missing from the context is
rendered "[à compléter : arml.siret]" and reported by ``check``; an unknown placeholder is refused
when a model or an override is loaded (``ConventionError``, in French).

Texts are lines: a blank line separates paragraphs, "- " starts a bullet, two spaces of indent per
level make a sub-bullet.
"""

from __future__ import annotations

from pnae_desktop.domain.convention.blocks import (
    Block,
    BulletList,
    ListItem,
    Paragraph,
    RenderedArticle,
    RenderedConvention,
    RenderedSignature,
    Table,
    TextProblem,
    Unresolved,
    _block_text,
)
from pnae_desktop.domain.convention.checks import (
    ERROR,
    WARNING,
    Check,
    budget_figures,
    check,
    typed_amounts,
    unresolved_field,
)
from pnae_desktop.domain.convention.context import (
    ArmlInfo,
    AxisCost,
    ConventionContext,
    CouncilInfo,
    Funder,
    Instalment,
    Objective,
    PaymentSchedule,
    Period,
    RegionInfo,
    Signatory,
    SignatureInfo,
    StateBudget,
    StateInfo,
    Steering,
    authority_feminine,
    authority_short,
)
from pnae_desktop.domain.convention.diff import (
    DiffPart,
    diff,
    diff_text,
)
from pnae_desktop.domain.convention.placeholders import (
    BLOCK_KINDS,
    KINDS,
    LISTS,
    TABLES,
    VALUES,
    Placeholder,
    placeholder_problem,
    placeholders_in,
    text_problems,
)
from pnae_desktop.domain.convention.render import (
    HAND_DATE,
    amount_value,
    french_date,
    instalment_amounts,
    render,
    state_service,
)
from pnae_desktop.domain.convention.state import (
    ArticleState,
    ConventionState,
    add_article,
    article_label,
    article_text,
    article_title,
    initial_state,
    move_article,
    numbering,
    override_article,
    reinstate_article,
    remove_article,
    restore_article,
    state_from_dict,
    state_problem,
    state_to_dict,
)
from pnae_desktop.domain.convention.suggestions import (
    default_payment_schedules,
    suggested_state_functions,
    suggested_steering_members,
)
from pnae_desktop.domain.convention.template import (
    DEFAULT_TEMPLATE,
    SCHEMA_FILE,
    TEMPLATE_FOLDER,
    Annex,
    ArticleModel,
    ConventionError,
    ConventionTemplate,
    PartyModel,
    SignatureModel,
    load_template,
    template_from_data,
)

__all__ = [
    "Signatory",
    "RegionInfo",
    "ArmlInfo",
    "StateInfo",
    "StateBudget",
    "authority_feminine",
    "authority_short",
    "CouncilInfo",
    "Period",
    "Objective",
    "AxisCost",
    "Funder",
    "Instalment",
    "PaymentSchedule",
    "Steering",
    "SignatureInfo",
    "ConventionContext",
    "VALUES",
    "TABLES",
    "LISTS",
    "KINDS",
    "BLOCK_KINDS",
    "Placeholder",
    "placeholders_in",
    "placeholder_problem",
    "text_problems",
    "DEFAULT_TEMPLATE",
    "SCHEMA_FILE",
    "TEMPLATE_FOLDER",
    "ConventionError",
    "ArticleModel",
    "PartyModel",
    "SignatureModel",
    "Annex",
    "ConventionTemplate",
    "template_from_data",
    "load_template",
    "ArticleState",
    "ConventionState",
    "state_problem",
    "initial_state",
    "numbering",
    "article_label",
    "article_title",
    "article_text",
    "override_article",
    "restore_article",
    "remove_article",
    "reinstate_article",
    "add_article",
    "move_article",
    "state_to_dict",
    "state_from_dict",
    "Paragraph",
    "ListItem",
    "BulletList",
    "Table",
    "Block",
    "RenderedArticle",
    "RenderedSignature",
    "Unresolved",
    "TextProblem",
    "RenderedConvention",
    "_block_text",
    "HAND_DATE",
    "french_date",
    "state_service",
    "amount_value",
    "instalment_amounts",
    "render",
    "DiffPart",
    "diff",
    "diff_text",
    "ERROR",
    "WARNING",
    "Check",
    "typed_amounts",
    "budget_figures",
    "unresolved_field",
    "check",
    "default_payment_schedules",
    "suggested_steering_members",
    "suggested_state_functions",
]
