"""Schema revisions this version of the app knows. A test checks they match Alembic's scripts;
keeping them here spares importing Alembic when a store is already up to date."""

from pnae_desktop.errors import StoreError

HEAD_REVISION = "0001"
KNOWN_REVISIONS = ("0001",)


def check_revision(revision: str | None, label: str) -> None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise StoreError(
            f"« {label} » a été créé par une version plus récente de PNAE Desktop "
            f"(schéma « {revision} »). Mettez l'application à jour pour l'ouvrir ; "
            "le fichier n'a pas été modifié."
        )
