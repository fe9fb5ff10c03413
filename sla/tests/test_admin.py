import datetime as dt

import pytest
from django.urls import reverse

from sla.calendar import Calendar
from sla.models import Closure, SpecialHours

from .conftest import seoul

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", ["workinghours", "closure", "specialhours", "policy"])
def test_admin_pages_render_in_korean(admin_client, model):
    response = admin_client.get(reverse(f"admin:sla_{model}_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:sla_{model}_add")).status_code == 200


def test_admin_adds_a_closure_the_calendar_then_skips(admin_client):
    response = admin_client.post(
        reverse("admin:sla_closure_add"), {"date": "2026-12-01", "name": "개교기념일"}
    )
    assert response.status_code == 302
    assert Closure.objects.get().name == "개교기념일"
    due = Calendar.load().add_working_time(
        seoul(2026, 11, 30, 17), dt.timedelta(hours=2)
    )
    assert due == seoul(2026, 12, 2, 10)


def test_special_hours_closing_before_opening_is_a_form_error(admin_client):
    response = admin_client.post(
        reverse("admin:sla_specialhours_add"),
        {
            "name": "방학",
            "starts_on": "2027-01-04",
            "ends_on": "2027-02-26",
            "opens": "16:00",
            "closes": "10:00",
        },
    )
    assert response.status_code == 200
    assert "마치는 시각은 시작 시각보다 늦어야 합니다." in response.content.decode()
    assert not SpecialHours.objects.exists()
