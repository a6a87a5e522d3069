"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message is written to the log."""

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

LOG_MARKER = "=== MAIL NOT SENT (no MAIL_SERVER configured) ==="


def send(to: str, subject, template: str, locale: str = "de", **context) -> EmailMessage | None:
    """Render `templates/email/<template>.txt` in the recipient's language and send it.

    Returns None when the mail server fails: the action that triggered the mail stands, the failure
    is logged, and every mail can be requested again (confirmation, reset, invitation).
    """
    with force_locale(locale):
        body = render_template(f"email/{template}.txt", **context)
        subject = str(subject)
    config = current_app.config
    if config.get("MAIL_SUPPRESS"):  # bulk jobs such as loading demo data write to nobody
        return None
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="vonhier.example")
    message.set_content(body)
    message["Content-Language"] = locale  # after set_content(), which clears Content-* headers

    if not config["MAIL_SERVER"]:
        # Decoded, so that the links in it can be clicked in a terminal.
        current_app.logger.warning(
            "%s\nTo: %s\nSubject: %s\n\n%s\n=== END MAIL ===", LOG_MARKER, to, subject, body
        )
        return message
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Sending mail to %s failed", to)
        return None
    return message
