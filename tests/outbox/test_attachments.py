"""Attachments travel inside the stored outbox message: the worker needs no application code to send
them, and the log (no MAIL_SERVER) still shows the text."""

from types import SimpleNamespace

from sqlalchemy import select

from vonhier.extensions import db
from vonhier.outbox import mail
from vonhier.outbox.models import OutboxMail


def test_an_attachment_is_stored_with_the_message_and_arrives(app, mailbox):
    with app.test_request_context():
        mail.send(
            "someone@example.org",
            "Anhang",
            "confirm",
            locale="en",
            attachments=[("a.pdf", "application/pdf", b"%PDF-1.4 tiny")],
            link="https://example.org/x",
            user=SimpleNamespace(name="Erika"),
        )
        db.session.commit()
        stored = db.session.scalar(select(OutboxMail.message))
    assert "a.pdf" in stored and "multipart/mixed" in stored
    message = mailbox.last("someone@example.org")
    assert message["Content-Language"] == "en"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "a.pdf" and attachment.get_content() == b"%PDF-1.4 tiny"
    assert "https://example.org/x" in message.get_body(preferencelist=("plain",)).get_content()


def test_the_log_shows_the_text_of_a_message_with_an_attachment(make_app, caplog):
    app = make_app(MAIL_SERVER="")
    with app.test_request_context():
        message = mail.send(
            "someone@example.org",
            "Anhang",
            "confirm",
            attachments=[("a.pdf", "application/pdf", b"%PDF")],
            link="https://example.org/y",
            user=SimpleNamespace(name="Erika"),
        )
        mail.transmit(message.as_string())
    assert mail.LOG_MARKER in caplog.text and "https://example.org/y" in caplog.text
