"""Schema revisions this version of the app knows. A test checks they match Alembic's scripts;
keeping them here spares importing Alembic when a store is already up to date."""

HEAD_REVISION = "0001"
KNOWN_REVISIONS = ("0001",)
