"""E-mail over SMTP, plain text.

The Message-ID is made from the idempotency key, so a mail client shows a retried
message once; the key also goes in a header the unit's mail rules can match.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from callcenter.dispatch.channels import Delivery, ProviderError
from callcenter.dispatch.config import DispatchSettings


class SmtpChannel:
    def __init__(self, settings: DispatchSettings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery) -> str | None:
        s = self.settings
        assert s.smtp_host
        msg = EmailMessage()
        msg["From"] = s.smtp_sender
        msg["To"] = delivery.address
        msg["Subject"] = delivery.message.subject
        message_id = f"<{delivery.idempotency_key}@dispatch.1300.invalid>"
        msg["Message-ID"] = message_id
        msg["X-Idempotency-Key"] = delivery.idempotency_key
        msg.set_content(delivery.message.text)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port,
                              timeout=s.provider_timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password or "")
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ProviderError("recipient refused", transient=False) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx is a permanent refusal in SMTP; 4xx asks us to try later.
            raise ProviderError(f"SMTP {exc.smtp_code}",
                                transient=exc.smtp_code < 500) from exc
        except TimeoutError as exc:
            raise ProviderError(f"timeout after {s.provider_timeout_seconds:g}s") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ProviderError(f"smtp: {type(exc).__name__}") from exc
        if refused:
            raise ProviderError("recipient refused", transient=False)
        return message_id
