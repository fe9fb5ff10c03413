"""The signed reply address."""

import pytest

from inbound import tokens


@pytest.fixture(autouse=True)
def _desk(settings):
    settings.INBOUND_REPLY_ADDRESS = "Help@School.ac.kr"


def test_a_reply_address_carries_a_token_that_verifies():
    address = tokens.reply_address(ticket_id=12, user_id=34)
    local, domain = address.split("@")
    assert local.startswith("Help+12.34.") and domain == "school.ac.kr"
    assert len(local) <= 64  # RFC 5321's limit for the part before the @
    assert tokens.token_from_address(address) == (12, 34)
    assert tokens.token_from_address(f"help+{local[5:]}@SCHOOL.ac.kr") == (12, 34)


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a.replace("+12.34.", "+13.34."),  # another ticket
        lambda a: a.replace("+12.34.", "+12.35."),  # another person
        lambda a: a[:-20] + ("A" if a[-20] != "A" else "B") + a[-19:],  # signature
        lambda a: a.replace("@school.ac.kr", "@evil.example"),
        lambda a: a.replace("Help+", "other+"),
        lambda a: a.split("+")[0] + "@school.ac.kr",
    ],
)
def test_an_altered_reply_address_does_not_verify(change):
    address = tokens.reply_address(ticket_id=12, user_id=34)
    assert tokens.token_from_address(change(address)) is None


def test_a_token_signed_with_another_key_does_not_verify(settings):
    address = tokens.reply_address(ticket_id=12, user_id=34)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert tokens.token_from_address(address) is None


def test_no_reply_address_while_inbound_mail_is_off(settings):
    settings.INBOUND_REPLY_ADDRESS = ""
    assert tokens.reply_address(ticket_id=1, user_id=1) == ""
