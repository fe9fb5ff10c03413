"""Mails as a mail program would send them, for the inbound tests."""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def mail(
    *,
    sender="student1@school.ac.kr",
    to="help@school.ac.kr",
    subject="프린터가 안 돼요",
    body="3층 프린터에서 인쇄가 안 됩니다.",
    message_id=None,
    headers=None,
    attachments=(),
    html=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate()
    message["Message-ID"] = message_id or make_msgid(domain="mail.school.ac.kr")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content_type, payload in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(
            payload, maintype=maintype, subtype=subtype, filename=filename
        )
    return message.as_bytes()
