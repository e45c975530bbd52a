"""The demo's mailbox: a local SMTP server on localhost:8025 that keeps what Beffroi sends.

The demo configuration sends alerts, escalations and reports to localhost:8025; this
server receives them into ``<demo folder>/mail/*.eml`` and prints one line per message, so
the mail side of the product can be seen without a real mail server. It needs aiosmtpd
(installed with the development extras, which ``make demo`` installs).
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from pathlib import Path


class _Keeper:
    def __init__(self, folder: Path, out) -> None:
        self.folder, self.out = folder, out
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            number = len(list(self.folder.glob("*.eml"))) + 1
            (self.folder / f"{number:04d}.eml").write_bytes(envelope.content)
        self.out(f"mail to {', '.join(envelope.rcpt_tos)}: {message['Subject']}")
        return "250 OK"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


def start_mailbox(folder: Path, port: int, out=print):
    """Start the mailbox; return an object with ``stop()``, or None (said why on ``out``)."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        out(f"no local mail server (aiosmtpd is not installed): mail to localhost:{port} will fail")
        return None
    if not _port_free("127.0.0.1", port):
        out(f"port {port} is in use: mail goes to whatever listens there")
        return None
    controller = Controller(_Keeper(folder, out), hostname="127.0.0.1", port=port)
    controller.start()
    out(f"mail: received into {folder}")
    return controller
