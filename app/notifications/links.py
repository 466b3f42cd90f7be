"""Links from a message to the object it is about, on the service's public address."""

from __future__ import annotations

from app.config import Settings

API = "/api/v1"


def object_link(settings: Settings, path: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{API}{path}"


def alert_link(settings: Settings, alert_id: int) -> str:
    return object_link(settings, f"/alerts/{alert_id}")


def metric_link(settings: Settings, metric_id: int) -> str:
    """The metric's status page: every period with its reading (or the missing one) and the reasons."""
    return object_link(settings, f"/metrics/{metric_id}/status")


def award_link(settings: Settings, kind: str, award_id: int) -> str:
    return object_link(settings, f"/{kind}s/{award_id}")


def action_item_link(settings: Settings, item_id: int) -> str:
    return object_link(settings, f"/action-items/{item_id}")
