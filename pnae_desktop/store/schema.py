"""Schema revisions this version of the app knows. A test checks they match Alembic's scripts;
keeping them here spares importing Alembic when a store is already up to date."""

from pnae_desktop.errors import StoreError

HEAD_REVISION = "0007"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")

# `PRAGMA application_id` of every store this app creates: "PNAE" in ASCII (0x504E4145), a
# positive 32-bit integer. 0 is an older store (made before the id), recognised by its Alembic
# version table and its tables (`CORE_TABLES`); any other id is another application's file.
APPLICATION_ID = 0x504E4145

# Tables every PNAE Desktop store has had since its first schema revision.
CORE_TABLES = frozenset({"alembic_version", "organisations", "praes", "prae_actions"})


def check_revision(revision: str | None, label: str) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            f"« {label} » a été créé par une version plus récente de PNAE Desktop "
            f"(schéma « {revision} »). Mettez l'application à jour pour l'ouvrir ; "
            "le fichier n'a pas été modifié."
        )
