"""Schema upgrades through Alembic. Imported only when a store is not at the head revision,
so that opening an up-to-date store stays fast."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def known_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in script.walk_revisions()]


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, target)
