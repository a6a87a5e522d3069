"""Outgoing mail: `send` renders a message and queues it in the outbox (in the caller's transaction);
the outbox worker hands it to `transmit`: SMTP when MAIL_SERVER is set, otherwise the log."""

import smtplib
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app, render_template
from flask_babel import force_locale

from .. import hygiene
from . import services as outbox

LOG_MARKER = "=== MAIL NOT SENT (no MAIL_SERVER configured) ==="


def send(
    to: str, subject, template: str, locale: str = "de", attachments=(), **context
) -> EmailMessage | None:
    """Render `templates/email/<template>.txt` in the recipient's language and queue it.

    `attachments` are (filename, MIME type with any parameters, bytes); they are stored in the outbox
    message with the text, so the worker sends them without application code. Nothing is sent before
    the caller commits; a rollback drops the mail with the change."""
    with force_locale(locale):
        body = render_template(f"email/{template}.txt", **context)
        # Names in subjects were typed by people; rows older than the input rules may hold a CR/LF.
        subject = hygiene.one_line(str(subject))
    config = current_app.config
    if config.get("MAIL_SUPPRESS"):  # bulk jobs such as loading demo data write to nobody
        return None
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    # The sender's own domain: a Message-ID of another domain makes spam filters suspicious.
    message["Message-ID"] = make_msgid(domain=parseaddr(message["From"])[1].rpartition("@")[2] or None)
    message.set_content(body)
    for filename, mimetype, data in attachments:
        # "text/calendar; charset=utf-8; method=PUBLISH": a text part's bytes name their charset, or a
        # reader may take them for ASCII.
        kind, *parameters = (part.strip() for part in mimetype.split(";"))
        maintype, subtype = kind.split("/", 1)
        params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, params=params)
    # After set_content() and add_attachment(), which clear or move Content-* headers.
    message["Content-Language"] = locale
    outbox.add(message, template)
    return message


def transmit(raw: str) -> None:
    """Deliver one stored message; raises when the SMTP server fails (the worker retries)."""
    message = message_from_string(raw, policy=policy.default)
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # Decoded, so that the links in it can be clicked in a terminal.
        current_app.logger.warning(
            "%s\nTo: %s\nSubject: %s\n\n%s\n=== END MAIL ===",
            LOG_MARKER,
            message["To"],
            message["Subject"],
            message.get_body(preferencelist=("plain",)).get_content(),
        )
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
