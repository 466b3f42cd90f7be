"""A real SMTP server (aiosmtpd) on a free local port, and the application pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

from app.background import dispatch_events, refresh_queued_metrics
from app.config import get_settings
from app.db import get_engine
from app.notifications import service


@dataclass
class MailDrop:
    """What the SMTP server received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(cast(EmailMessage, parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]).strip() for m in self.to(address)]

    def clear(self) -> None:
        self.messages.clear()


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(cast(EmailMessage, body).get_content())


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(cast(EmailMessage, body).get_content())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def jobs_driven_by_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """No in-process worker: each test dispatches events and sends e-mails itself, at the `now` it chooses."""
    monkeypatch.setenv("RDC_JOBS_IN_PROCESS", "false")
    get_settings.cache_clear()


@pytest.fixture
def smtp(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailDrop]:
    drop = MailDrop()
    port = _free_port()
    controller = Controller(drop, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("RDC_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("RDC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RDC_SMTP_PORT", str(port))
    monkeypatch.setenv("RDC_SMTP_SECURITY", "none")
    get_settings.cache_clear()
    yield drop
    controller.stop()
    get_settings.cache_clear()


def deliver(now: datetime) -> int:
    """What the job app does after a write: refresh the queued metrics, dispatch the events, send the e-mails."""
    refresh_queued_metrics()
    dispatch_events(get_engine(), now=now)
    return service.send_pending(get_engine(), now)


def run_round(now: datetime) -> service.RoundResult:
    """The periodic round at `now` (reminders, digests, pending e-mails)."""
    return service.run_round(get_engine(), now)
