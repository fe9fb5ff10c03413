"""The INBOUND_* settings are read from the environment and checked at start."""

import pytest

from servicedesk.tests.test_settings import run_manage, settings_value


def test_inbound_settings_come_from_the_environment():
    env = {
        "INBOUND_IMAP_HOST": "imap.school.ac.kr",
        "INBOUND_IMAP_SECURITY": "starttls",
        "INBOUND_CATEGORY_ALIASES": "wifi@school.ac.kr=network",
        "INBOUND_ALLOWED_DOMAINS": "school.ac.kr,grad.school.ac.kr",
    }
    local = "servicedesk.settings.local"
    assert settings_value("INBOUND_IMAP_PORT", env, settings=local) == "143"
    assert settings_value("INBOUND_CATEGORY_ALIASES", env, settings=local) == (
        "{'wifi@school.ac.kr': 'network'}"
    )
    assert settings_value("INBOUND_ALLOWED_DOMAINS", env, settings=local) == (
        "['school.ac.kr', 'grad.school.ac.kr']"
    )
    assert settings_value("INBOUND_IMAP_PORT", {}, settings=local) == "993"


@pytest.mark.parametrize(
    "name,value",
    [("INBOUND_IMAP_SECURITY", "tls"), ("INBOUND_UNKNOWN_SENDERS", "accept")],
)
def test_a_wrong_choice_stops_the_start_with_a_clear_error(name, value):
    result = run_manage(
        "check", env_extra={name: value}, settings="servicedesk.settings.local"
    )
    assert result.returncode != 0
    assert f"{name} must be" in result.stderr
