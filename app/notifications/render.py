"""Rendering e-mails from the Jinja2 templates beside this module (HTML autoescaped, text as is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.notifications.models import NotificationKind

KIND_LABELS: dict[NotificationKind, str] = {
    NotificationKind.alert: "Alerts assigned to me",
    NotificationKind.followed: "What I follow",
    NotificationKind.reminder_due: "Readings due soon",
    NotificationKind.reminder_late: "Late readings",
    NotificationKind.escalation: "Escalations of late readings",
    NotificationKind.digest: "Digest of my contracts and grants",
    NotificationKind.integration: "My webhook endpoints",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
    )


def _render(name: str, values: dict[str, Any]) -> str:
    return _environment().get_template(name).render(**values)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def notification(*, kind: NotificationKind, title: str, body: str, link: str | None, unsubscribe_url: str) -> Rendered:
    values = {
        "title": title,
        "body": body,
        "link": link,
        "kind_label": KIND_LABELS[kind],
        "unsubscribe_url": unsubscribe_url,
    }
    return Rendered(title, _render("notification.txt", values), _render("notification.html", values))


@dataclass(frozen=True)
class DigestItem:
    text: str
    link: str | None = None


@dataclass
class DigestSection:
    heading: str
    items: list[DigestItem] = field(default_factory=list)


@dataclass(frozen=True)
class StopLink:
    label: str
    url: str


def digest(*, title: str, sections: list[DigestSection], unsubscribe: list[StopLink]) -> Rendered:
    values = {"title": title, "sections": [s for s in sections if s.items], "unsubscribe": unsubscribe}
    return Rendered(title, _render("digest.txt", values), _render("digest.html", values))
