"""Schema version 2: 64-bit ids, seeds and quantities on PostgreSQL; ids never reused on SQLite
(AUTOINCREMENT); a scenario's question and digest beside its document; runs and sweeps name the
server executing them (servers table), and runs their phase.

Revision ID: 0002
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

BIG = {  # table -> integer columns that become 64-bit
    "scenarios": ["id"],
    "runs": ["id", "scenario_id", "seed"],
    "results": ["id", "run_id"],
    "trades": ["id", "run_id", "trade_id", "matched_t", "quantity", "price", "settled_t"],
    "sweeps": ["id", "scenario_id"],
}
ADDED = {
    "scenarios": [
        sa.Column("question", sa.Text(), nullable=False, server_default=""),
        sa.Column("digest", sa.String(64), nullable=False, server_default=""),
    ],
    "runs": [
        sa.Column("phase", sa.String(20), nullable=False, server_default=""),
        sa.Column("owner", sa.String(40), nullable=True),
    ],
    "sweeps": [sa.Column("owner", sa.String(40), nullable=True)],
}


def digest(document: object) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, columns in BIG.items():
        if sqlite:  # the table is rebuilt, for AUTOINCREMENT (its integers are 64-bit anyway)
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ) as batch:
                for name in columns[1:]:  # the key stays INTEGER: AUTOINCREMENT needs it
                    batch.alter_column(name, type_=sa.BigInteger(), existing_type=sa.Integer())
                for column in ADDED.get(table, []):
                    batch.add_column(column)
            continue
        for name in columns:
            op.alter_column(table, name, type_=sa.BigInteger(), existing_type=sa.Integer())
        op.execute(f"ALTER SEQUENCE {table}_id_seq AS bigint")
        for column in ADDED.get(table, []):
            op.add_column(table, column)
    op.create_index("ix_scenarios_digest", "scenarios", ["digest"])
    op.create_table(
        "servers",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    scenarios = sa.table(
        "scenarios", sa.column("id"), sa.column("document", sa.JSON()), sa.column("question"),
        sa.column("digest"),
    )  # fmt: skip
    bind = op.get_bind()
    for row in bind.execute(sa.select(scenarios.c.id, scenarios.c.document)).all():
        document = row.document or {}
        bind.execute(
            scenarios.update()
            .where(scenarios.c.id == row.id)
            .values(question=str(document.get("question", "")), digest=digest(document))
        )
    op.execute("UPDATE store_info SET schema_version = 2 WHERE id = 1")


def downgrade() -> None:
    raise NotImplementedError("stores are migrated forward only")
