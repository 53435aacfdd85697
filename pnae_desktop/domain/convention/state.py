"""A region's adaptation of the model: article states and the edits on them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pnae_desktop.domain.convention.placeholders import _KEY, text_problems
from pnae_desktop.domain.convention.template import ConventionError, ConventionTemplate, load_template


@dataclass(frozen=True)
class ArticleState:
    key: str
    text: str | None = None  # None: the model's text (an added article always has one)
    title: str | None = None  # None: the model's title
    removed: bool = False  # only optional model articles
    custom: bool = False  # added by the region


@dataclass(frozen=True)
class ConventionState:
    template_key: str
    articles: tuple[ArticleState, ...]  # in order; numbering skips removed ones

    def article(self, key: str) -> ArticleState:
        for a in self.articles:
            if a.key == key:
                return a
        raise ConventionError(f"Article « {key} » introuvable dans la convention.", key)

    @property
    def kept(self) -> tuple[ArticleState, ...]:
        return tuple(a for a in self.articles if not a.removed)


def state_problem(state: ConventionState, template: ConventionTemplate) -> tuple[int | None, str] | None:
    """The first reason a whole convention state (read from a file, not built edit by edit) does
    not fit its model: (index of the article, or None for the list as a whole, French reason)."""
    keys = [a.key for a in state.articles]
    for i, a in enumerate(state.articles):
        if a.key in keys[:i]:
            return i, "clé d'article en double"
        model = template.article(a.key)
        if a.custom:
            if model is not None:
                return i, "un article ajouté ne peut pas reprendre la clé d'un article du modèle"
            if a.removed:
                return i, "un article ajouté ne peut pas être marqué supprimé"
            if a.text is None or not (a.title or "").strip():
                return i, "un article ajouté doit avoir un titre et un texte"
        else:
            if model is None:
                return i, f"article inconnu du modèle « {template.label} »"
            if a.removed and not model.optional:
                return i, "cet article du modèle est obligatoire : il ne peut pas être supprimé"
            if a.title is not None and not a.title.strip():
                return i, "un article doit avoir un titre"
        if a.text is not None:
            problems = text_problems(a.text, template.phrases, keys)
            if problems:
                return i, "variable(s) inconnue(s) ou mal placée(s) : " + " ; ".join(problems)
    missing = [k for k in template.article_keys if k not in keys]
    if missing:
        return None, f"article « {missing[0]} » du modèle absent"
    return None


def _template(state: ConventionState, template: ConventionTemplate | None) -> ConventionTemplate:
    return template if template is not None else load_template(state.template_key)


def initial_state(template: ConventionTemplate | None = None) -> ConventionState:
    t = template or load_template()
    return ConventionState(t.key, tuple(ArticleState(a.key) for a in t.articles))


def numbering(state: ConventionState) -> dict[str, int]:
    """Article key -> number (1..N) for the articles kept, in order."""
    return {a.key: i for i, a in enumerate(state.kept, start=1)}


def article_label(number: int) -> str:
    """ "article 1er", "article 2": how a convention cites its articles."""
    return "article 1er" if number == 1 else f"article {number}"


def article_title(state: ConventionState, key: str, template: ConventionTemplate | None = None) -> str:
    a = state.article(key)
    model = _template(state, template).article(key)
    return a.title if a.title is not None else (model.title if model else key)


def article_text(state: ConventionState, key: str, template: ConventionTemplate | None = None) -> str:
    """The text in force for `key` (override or model), placeholders unresolved: the editor's text."""
    a = state.article(key)
    if a.text is not None:
        return a.text
    model = _template(state, template).article(key)
    return model.text if model else ""


def _validate_text(state: ConventionState, template: ConventionTemplate, key: str, title: str, text: str) -> None:
    keys = [a.key for a in state.articles]
    problems = text_problems(text, template.phrases, keys)
    if problems:
        raise ConventionError(f"Article « {title} » ({key}) : " + " ; ".join(problems) + ".", key)


def _replace_article(state: ConventionState, key: str, new: ArticleState | None) -> ConventionState:
    state.article(key)
    items = [new if a.key == key else a for a in state.articles]
    return replace(state, articles=tuple(a for a in items if a is not None))


def override_article(
    state: ConventionState,
    key: str,
    text: str | None,
    *,
    title: str | None = None,
    template: ConventionTemplate | None = None,
) -> ConventionState:
    """Adapt an article's text (and optionally its title). A text equal to the model's is stored
    as no override. Unknown placeholders are refused with a French message naming the article."""
    t = _template(state, template)
    current = state.article(key)
    model = t.article(key)
    new_title = title if title is not None else current.title
    if new_title is not None and not new_title.strip():
        raise ConventionError("Un article doit avoir un titre.", key)
    shown_title = new_title or (model.title if model else key)
    if text is not None:
        _validate_text(state, t, key, shown_title, text)
        if model is not None and text == model.text:
            text = None
    if model is not None and new_title == model.title:
        new_title = None
    if current.custom and text is None:
        text = current.text
    return _replace_article(state, key, replace(current, text=text, title=new_title))


def restore_article(state: ConventionState, key: str) -> ConventionState:
    """Back to the model's text and title (override None)."""
    current = state.article(key)
    if current.custom:
        raise ConventionError(
            f"L'article « {current.title} » a été ajouté : il n'a pas de texte modèle à rétablir.",
            key,
        )
    return _replace_article(state, key, replace(current, text=None, title=None))


def remove_article(state: ConventionState, key: str, template: ConventionTemplate | None = None) -> ConventionState:
    """Remove an optional model article (kept in the state, flagged) or delete an added one."""
    current = state.article(key)
    if current.custom:
        return _replace_article(state, key, None)
    model = _template(state, template).article(key)
    if model is not None and not model.optional:
        raise ConventionError(
            f"L'article « {model.title} » est obligatoire : il ne peut pas être supprimé de la convention.",
            key,
        )
    return _replace_article(state, key, replace(current, removed=True))


def reinstate_article(state: ConventionState, key: str) -> ConventionState:
    return _replace_article(state, key, replace(state.article(key), removed=False))


def _index_for_number(state: ConventionState, number: int | None) -> int:
    """Index in `state.articles` where an article must go to get `number` (1-based)."""
    kept = state.kept
    if number is None or number > len(kept):
        return len(state.articles)
    target = kept[max(number, 1) - 1]
    return state.articles.index(target)


def add_article(
    state: ConventionState,
    title: str,
    text: str,
    number: int | None = None,
    *,
    key: str | None = None,
    template: ConventionTemplate | None = None,
) -> ConventionState:
    """Add a region's own article so that it gets `number` (None: at the end)."""
    t = _template(state, template)
    if not title.strip():
        raise ConventionError("Un article ajouté doit avoir un titre.")
    taken = {a.key for a in state.articles} | set(t.article_keys)
    if key is None:
        n = 1
        while f"perso_{n}" in taken:
            n += 1
        key = f"perso_{n}"
    elif not _KEY.match(key) or key in taken:
        raise ConventionError(f"Clé d'article « {key} » invalide ou déjà utilisée.", key)
    article = ArticleState(key, text=text, title=title.strip(), custom=True)
    probe = replace(state, articles=state.articles + (article,))
    _validate_text(probe, t, key, title.strip(), text)
    items = list(state.articles)
    items.insert(_index_for_number(state, number), article)
    return replace(state, articles=tuple(items))


def move_article(state: ConventionState, key: str, number: int) -> ConventionState:
    """Move an article so that it gets `number`."""
    article = state.article(key)
    rest = replace(state, articles=tuple(a for a in state.articles if a.key != key))
    items = list(rest.articles)
    items.insert(_index_for_number(rest, number), article)
    return replace(state, articles=tuple(items))


def state_to_dict(state: ConventionState) -> dict[str, Any]:
    """A JSON-ready form for the store."""
    return {
        "template": state.template_key,
        "articles": [
            {k: v for k, v in vars(a).items() if v not in (None, False) or k == "key"} for a in state.articles
        ],
    }


def state_from_dict(data: dict[str, Any]) -> ConventionState:
    return ConventionState(
        data["template"],
        tuple(
            ArticleState(
                a["key"],
                a.get("text"),
                a.get("title"),
                bool(a.get("removed")),
                bool(a.get("custom")),
            )
            for a in data["articles"]
        ),
    )
