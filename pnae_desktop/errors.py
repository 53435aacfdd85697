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
