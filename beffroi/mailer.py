"""Sending e-mail through the configured SMTP server.

Shared by the inbox (escalations, overdue digests), the scheduler (missing drafts) and the
reports (weekly report): one place that knows SMTP, so credentials are read from the
environment in one place and never logged.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from pathlib import Path

from beffroi.config import Settings
from beffroi.errors import BeffroiError


class MailError(BeffroiError):
    """The message could not be handed to the SMTP server; the text is safe to show."""


def build_message(
    settings: Settings,
    to: Iterable[str],
    subject: str,
    body: str,
    *,
    html: str | None = None,
    attachments: Iterable[Path] = (),
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp.sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for path in attachments:
        ctype, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (ctype or "application/octet-stream").split("/", 1)
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
    return message


def send(settings: Settings, message: EmailMessage, *, timeout: float = 20.0) -> None:
    smtp = settings.smtp
    user = os.environ.get(smtp.username_env) if smtp.username_env else None
    password = os.environ.get(smtp.password_env) if smtp.password_env else None
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as server:
            if smtp.starttls:
                server.starttls()
            if user and password:
                server.login(user, password)
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send mail through {smtp.host}:{smtp.port}: {exc}") from None


def send_mail(settings: Settings, to: Iterable[str], subject: str, body: str, **kwargs) -> None:
    recipients = [address for address in to if address]
    if not recipients:
        raise MailError("no recipient configured")
    send(settings, build_message(settings, recipients, subject, body, **kwargs))
