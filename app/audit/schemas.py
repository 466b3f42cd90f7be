"""Query parameters of the audit log (the entry's own schema is in app.audit.models)."""

from pydantic import Field

from app.kit.fields import MAX_INT_ID, Instant
from app.kit.pagination import PageQuery


class AuditQuery(PageQuery):
    entity: str | None = Field(default=None, max_length=60, description="e.g. contract, metric, user")
    entity_id: int | None = Field(default=None, ge=1, le=MAX_INT_ID)
    actor: str | None = Field(default=None, max_length=200, description="e.g. user:12, service_account:3")
    since: Instant | None = Field(default=None, description="Entries at or after this instant")
    until: Instant | None = Field(default=None, description="Entries before this instant")
