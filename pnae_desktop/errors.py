"""Errors whose message is meant for the user (in French)."""


class UserError(Exception):
    """A problem the user can understand and act on; str(error) is a French sentence."""


class CatalogueError(UserError):
    """A catalogue edition file that cannot be used."""


class StoreError(UserError):
    """A store (database) that cannot be opened or written."""


class ValidationError(UserError):
    """Input refused by a domain rule; `field` names where it was typed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ConflictError(UserError):
    """An edit, an undo or a redo based on a value that someone changed since (another window,
    another post, a script): refused, nothing written. `theirs` is what is there now, `mine`
    what the edit expected to find."""

    def __init__(self, message: str, theirs: object = None, mine: object = None):
        super().__init__(message)
        self.theirs = theirs
        self.mine = mine
