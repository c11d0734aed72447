"""Schema migrations (Alembic, scripts in api/migrations/versions): every store is brought to the
newest schema version on start-up, from an empty database or from any earlier version."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from api.models import SCHEMA_VERSION

SCRIPTS = Path(__file__).parent / "migrations"
REVISIONS = {1: "0001", 2: "0002"}  # schema version -> Alembic revision
MIGRATION_LOCK = 0x5701_5101


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    return cfg


def migrate(engine: Engine, target: str = "head") -> None:
    """Upgrade the store to `target` (default: this stosim's schema version)."""
    from api.db import StoreError

    cfg = config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two servers starting at once: one migrates
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        tables = set(inspect(connection).get_table_names())
        if "store_info" in tables:
            version = connection.execute(
                text("SELECT schema_version FROM store_info WHERE id = 1")
            ).scalar()
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store has schema version {version}, newer than this stosim's "
                    f"{SCHEMA_VERSION}: upgrade stosim"
                )
            if "alembic_version" not in tables:  # made before migrations existed: version 1
                cfg.attributes["connection"] = connection
                command.stamp(cfg, REVISIONS[version or 1])
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, target)
