"""Putting a rendered e-mail on the wire: SMTP (STARTTLS, implicit TLS or none), the log, or .eml files.

The mailer only sends; which rows to send, and recording that they were sent, is `outbox`'s business.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from app.config import Settings

log = logging.getLogger("app.notifications.mail")


class Mailer(Protocol):
    def send(self, message: EmailMessage, *, name: str) -> None:
        """Sends one message (raises on failure); `name` identifies it in files and logs."""


def compose(
    settings: Settings, *, to: str, subject: str, text: str, html: str, unsubscribe_url: str | None
) -> EmailMessage:
    """A multipart/alternative message (plain text first, HTML preferred by clients that show it)."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="results-tracker")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage, *, name: str) -> None:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        with smtp:
            if s.smtp_security == "starttls":
                smtp.starttls(context=context)
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password or "")
            smtp.send_message(message)


class ConsoleMailer:
    """Development: the message goes to the log instead of a server."""

    def send(self, message: EmailMessage, *, name: str) -> None:
        log.info("e-mail %s to %s: %s\n%s", name, message["To"], message["Subject"], message.get_body(("plain",)))


class FileMailer:
    """Development: each message becomes an .eml file any mail client opens."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage, *, name: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"{name}.eml").write_bytes(bytes(message))


def mailer_for(settings: Settings) -> Mailer | None:
    """The configured mailer; None when e-mail is off."""
    if settings.mail_backend == "smtp":
        return SmtpMailer(settings)
    if settings.mail_backend == "file":
        return FileMailer(settings.mail_file_dir)
    if settings.mail_backend == "console":
        return ConsoleMailer()
    return None
