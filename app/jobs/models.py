"""The metric-refresh queue: one row per request to re-evaluate a metric."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Integer
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class MetricRefreshRequest(SQLModel, table=True):
    """A metric whose status must be re-evaluated, because its readings, definition or term changed.

    Rows are only ever inserted by writers (never updated), so a writer never waits on a drain; a drain
    deletes exactly the rows it evaluated, so a request queued while it runs is kept for the next round.
    """

    __tablename__ = "metric_refresh_request"

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    )
    # No foreign key: a batch queues thousands of metrics at once, and a check per row would cost more than the
    # rest of the queueing; a request for a metric deleted since is simply dropped by the drain.
    metric_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
