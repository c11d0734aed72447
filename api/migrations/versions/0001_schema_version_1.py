"""Schema version 1: the store as the first release created it (32-bit ids on PostgreSQL).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    ]


# over 60 lines: the whole schema of version 1, table by table, as Alembic writes it
def upgrade() -> None:
    op.create_table(
        "store_info",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("schema_version", sa.Integer(), nullable=False),
    )
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, index=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "scenario_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=False, index=True
        ),
        sa.Column("scenario_name", sa.String(80), nullable=False),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("ledger", sa.String(20), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        *_timestamps(),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
    )
    op.create_table(
        "trades",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("trade_id", sa.Integer(), nullable=False),
        sa.Column("matched_t", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(20), nullable=False),
        sa.Column("asset", sa.String(20), nullable=False),
        sa.Column("buyer", sa.String(40), nullable=False),
        sa.Column("seller", sa.String(40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("settled_t", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(60), nullable=False),
    )
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "scenario_id", sa.Integer(), sa.ForeignKey("scenarios.id"), nullable=False, index=True
        ),
        sa.Column("scenario_name", sa.String(80), nullable=False),
        sa.Column("grid", sa.JSON(), nullable=False),
        sa.Column("seeds", sa.Integer(), nullable=False),
        sa.Column("ledger", sa.String(20), nullable=False),
        sa.Column("scheduler", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("tasks_total", sa.Integer(), nullable=False),
        sa.Column("tasks_done", sa.Integer(), nullable=False),
        sa.Column("eta_s", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("info", sa.JSON(), nullable=True),
        sa.Column("runs", sa.JSON(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        *_timestamps(),
    )
    op.execute("INSERT INTO store_info (id, schema_version) VALUES (1, 1)")


def downgrade() -> None:
    for table in ("sweeps", "trades", "results", "runs", "scenarios", "store_info"):
        op.drop_table(table)
