"""Small readers for the mails the test SMTP server received."""


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def only_mail(server, address):
    mails = server.mails_to(address)
    assert len(mails) == 1, f"{address} got {len(mails)} mails"
    return mails[0]["message"]
