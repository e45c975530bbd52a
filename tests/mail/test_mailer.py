import pytest

from beffroi.config.settings import SMTP
from beffroi.mailer import MailError, send_mail
from tests.conftest import settings_with


def test_mail_reaches_a_real_local_smtp_server(example_settings, smtp_server, tmp_path):
    host, port, received = smtp_server
    settings = settings_with(example_settings, smtp=SMTP(host=host, port=port, sender="b@ville.fr"))
    attachment = tmp_path / "rapport.csv"
    attachment.write_text("a,b\n1,2\n")
    send_mail(settings, ["dir@ville.fr"], "Rapport", "Bonjour", attachments=[attachment])
    assert len(received) == 1
    msg = received[0]
    assert msg["Subject"] == "Rapport" and msg["To"] == "dir@ville.fr"
    assert [p.get_filename() for p in msg.iter_attachments()] == ["rapport.csv"]


def test_unreachable_server_is_a_clear_error(example_settings):
    settings = settings_with(example_settings, smtp=SMTP(host="127.0.0.1", port=1))
    with pytest.raises(MailError, match="could not send mail through 127.0.0.1:1"):
        send_mail(settings, ["a@b.fr"], "s", "b")
