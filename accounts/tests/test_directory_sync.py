"""Directory sync against a real second PostgreSQL database, made per test."""

import os
import secrets
import socket
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from accounts.models import Role, Source, User
from accounts.sync import LOCK_KEY, SyncError, sync_users_once
from accounts.tests.factories import AdminFactory, UserFactory

SERVER_URL = os.environ.get(
    "MIS_TEST_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)

# The MIS speaks its own column names: the mapping settings translate them.
TABLE_DDL = """
CREATE TABLE hr.persons (
    person_no text,
    mail text,
    full_name text,
    dept text,
    kind text,
    status text
)
"""
COLUMNS = ("person_no", "mail", "full_name", "dept", "kind", "status")


class Mis:
    """A throwaway MIS database: fill it, change it, read back what we put."""

    def __init__(self, url: str):
        self.url = url

    def execute(self, query, params=None):
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(query, params)

    def add(self, *people):
        """Insert (person_no, mail, full_name, dept, kind, status) rows."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.cursor().executemany(
                "INSERT INTO hr.persons VALUES (%s, %s, %s, %s, %s, %s)", people
            )

    def set(self, person_no, **values):
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(k)) for k in values
        )
        query = sql.SQL("UPDATE hr.persons SET {} WHERE person_no = %s").format(
            assignments
        )
        self.execute(query, [*values.values(), person_no])

    def remove(self, person_no):
        self.execute("DELETE FROM hr.persons WHERE person_no = %s", [person_no])


@pytest.fixture
def mis(settings):
    name = f"sd_mis_test_{secrets.token_hex(6)}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = SERVER_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA hr")
        conn.execute(TABLE_DDL)
    settings.MIS_DATABASE_URL = url
    settings.MIS_USERS_TABLE = "hr.persons"
    settings.MIS_USERS_QUERY = ""
    settings.MIS_COLUMN_EXTERNAL_ID = "person_no"
    settings.MIS_COLUMN_EMAIL = "mail"
    settings.MIS_COLUMN_NAME = "full_name"
    settings.MIS_COLUMN_DEPARTMENT = "dept"
    settings.MIS_COLUMN_PERSON_TYPE = "kind"
    settings.MIS_COLUMN_ACTIVE = "status"
    settings.MIS_ACTIVE_VALUES = ["재학", "재직", "active"]
    settings.MIS_REQUESTER_TYPES = ["student", "staff", "faculty"]
    settings.MIS_AGENT_TYPES = []
    settings.MIS_AGENT_EMAILS = []
    settings.MIS_AGENT_EXTERNAL_IDS = ["E900"]
    settings.MIS_SYNC_BATCH_SIZE = 500
    settings.MIS_CONNECT_TIMEOUT = 5
    yield Mis(url)
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


@pytest.fixture
def school(mis):
    """Three students, a professor and an IT staff member (agent by id)."""
    mis.add(
        ("S001", "Kim.Minsu@School.ac.kr", "김민수", "컴퓨터공학과", "student", "재학"),
        ("S002", "lee.jiwoo@school.ac.kr", "이지우", "경영학과", "Student", "재학"),
        ("S003", "park.seo@school.ac.kr", "박서연", "물리학과", "student", "재학"),
        ("F100", "choi.prof@school.ac.kr", "최교수", "물리학과", "faculty", "재직"),
        ("E900", "jung.it@school.ac.kr", "정전산", "전산팀", "staff", "재직"),
    )
    return mis


def sync(*args) -> str:
    out = StringIO()
    call_command("sync_users", *args, stdout=out)
    return out.getvalue()


def snapshot():
    fields = ("email", "external_id", "source", "name", "department", "role")
    return sorted(User.objects.values_list(*fields, "is_active", "password"))


def counts(result):
    return (result.created, result.updated, result.deactivated, len(result.skipped))


def reasons(result):
    return {(s.who, s.reason) for s in result.skipped}


@pytest.mark.django_db
def test_first_import_creates_directory_users_with_roles(school):
    result = sync_users_once()

    assert counts(result) == (5, 0, 0, 0)
    kim = User.objects.get(external_id="S001")
    assert kim.email == "kim.minsu@school.ac.kr"
    assert (kim.name, kim.department, kim.role) == (
        "김민수",
        "컴퓨터공학과",
        "requester",
    )
    assert kim.source == Source.DIRECTORY and kim.is_active
    assert not kim.has_usable_password()
    assert not kim.is_staff
    assert User.objects.get(external_id="S002").role == Role.REQUESTER
    assert User.objects.get(external_id="F100").role == Role.REQUESTER
    assert User.objects.get(external_id="E900").role == Role.AGENT


@pytest.mark.django_db
def test_agent_list_by_email_and_agent_types(school, settings):
    settings.MIS_AGENT_EXTERNAL_IDS = []
    settings.MIS_AGENT_EMAILS = ["Choi.Prof@school.ac.kr"]
    settings.MIS_AGENT_TYPES = ["it"]
    school.add(("E901", "han.it@school.ac.kr", "한전산", "전산팀", "IT", "재직"))

    sync_users_once()

    agents = User.objects.filter(role=Role.AGENT).values_list("external_id", flat=True)
    assert sorted(agents) == ["E901", "F100"]


@pytest.mark.django_db
def test_update_changes_name_department_email_and_role(school):
    sync_users_once()
    kim_id = User.objects.get(external_id="S001").pk
    school.set(
        "S001", full_name="김민수2", dept="전자공학과", mail="minsu@school.ac.kr"
    )
    school.set("E900", kind="student")
    school.set("S003", kind="staff")  # still a requester: no change

    result = sync_users_once()

    assert counts(result) == (0, 1, 0, 0)
    kim = User.objects.get(pk=kim_id)
    assert (kim.email, kim.name, kim.department) == (
        "minsu@school.ac.kr",
        "김민수2",
        "전자공학과",
    )
    # E900 is on the agent list: the list wins over the person type.
    assert User.objects.get(external_id="E900").role == Role.AGENT
    assert result.unchanged == 4


@pytest.mark.django_db
def test_agent_removed_from_list_becomes_requester(school, settings):
    sync_users_once()
    settings.MIS_AGENT_EXTERNAL_IDS = []

    result = sync_users_once()

    assert counts(result) == (0, 1, 0, 0)
    assert User.objects.get(external_id="E900").role == Role.REQUESTER


@pytest.mark.django_db
def test_departure_deactivates_and_never_deletes(school):
    sync_users_once()
    school.remove("S002")  # left the school: gone from the MIS
    school.set("S003", status="졸업")  # graduated: still listed, not active

    result = sync_users_once()

    assert counts(result) == (0, 0, 2, 0)
    assert User.objects.count() == 5
    assert not User.objects.get(external_id="S002").is_active
    assert not User.objects.get(external_id="S003").is_active
    assert User.objects.filter(is_active=True).count() == 3


@pytest.mark.django_db
def test_returning_person_is_reactivated(school):
    sync_users_once()
    school.set("S003", status="휴학")
    sync_users_once()
    school.set("S003", status="재학")

    result = sync_users_once()

    assert counts(result) == (0, 1, 0, 0)
    assert User.objects.get(external_id="S003").is_active


@pytest.mark.django_db
def test_inactive_person_never_imported_is_not_created(school):
    school.add(("S004", "grad@school.ac.kr", "졸업생", "물리학과", "student", "졸업"))

    result = sync_users_once()

    assert result.created == 5
    assert not User.objects.filter(email="grad@school.ac.kr").exists()


@pytest.mark.django_db
def test_rerun_with_no_changes_changes_nothing(school, django_assert_max_num_queries):
    sync_users_once()
    school.remove("S002")
    sync_users_once()
    before = snapshot()

    with django_assert_max_num_queries(3):  # lock, one read of users, unlock
        result = sync_users_once()

    assert counts(result) == (0, 0, 0, 0)
    assert result.unchanged == 4
    assert result.changes == []
    assert snapshot() == before
    assert sync().strip().splitlines()[-1] == (
        "Directory sync: 4 MIS rows; created 0, updated 0, deactivated 0, "
        "unchanged 4, skipped 0."
    )


@pytest.mark.django_db
def test_matching_falls_back_to_email(school):
    legacy = UserFactory(
        email="park.seo@school.ac.kr", source=Source.DIRECTORY, external_id=""
    )

    result = sync_users_once()

    assert counts(result) == (4, 1, 0, 0)
    legacy.refresh_from_db()
    assert legacy.external_id == "S003"
    assert legacy.name == "박서연"


@pytest.mark.django_db
def test_manual_user_is_left_alone(school):
    manual = UserFactory(email="park.seo@school.ac.kr", name="수동", department="X")
    other_manual = UserFactory(email="visitor@school.ac.kr")

    result = sync_users_once()

    assert reasons(result) == {
        ("park.seo@school.ac.kr", "e-mail belongs to an account created by hand")
    }
    manual.refresh_from_db()
    assert (manual.source, manual.external_id, manual.name) == ("manual", "", "수동")
    # Absent from the MIS, but made by hand: not a departure.
    other_manual.refresh_from_db()
    assert other_manual.is_active


@pytest.mark.django_db
def test_adopt_manual_takes_over_matching_account(school):
    manual = UserFactory(email="park.seo@school.ac.kr", name="수동")

    result = sync_users_once(adopt_manual=True)

    assert counts(result) == (4, 1, 0, 0)
    manual.refresh_from_db()
    assert (manual.source, manual.external_id, manual.name) == (
        "directory",
        "S003",
        "박서연",
    )
    assert manual.has_usable_password()  # their own password stays


@pytest.mark.django_db
def test_admin_is_never_demoted_nor_deactivated(school):
    sync_users_once()
    boss = User.objects.get(external_id="F100")
    boss.role = Role.ADMIN
    boss.save()
    school.set("F100", dept="총장실")

    result = sync_users_once()

    boss.refresh_from_db()
    assert (boss.role, boss.is_staff, boss.department) == ("admin", True, "총장실")
    assert counts(result) == (0, 1, 0, 0)

    school.set("F100", status="퇴직")
    result = sync_users_once()
    assert reasons(result) == {
        ("choi.prof@school.ac.kr", "admin marked inactive in the MIS; not deactivated")
    }
    school.remove("F100")
    result = sync_users_once()
    assert reasons(result) == {
        ("choi.prof@school.ac.kr", "admin no longer in the MIS; not deactivated")
    }
    boss.refresh_from_db()
    assert boss.role == Role.ADMIN and boss.is_active and boss.is_staff


@pytest.mark.django_db
def test_admin_created_by_hand_is_untouched(school):
    admin = AdminFactory(email="jung.it@school.ac.kr", name="관리자")

    result = sync_users_once()

    admin.refresh_from_db()
    assert (admin.role, admin.name, admin.source) == ("admin", "관리자", "manual")
    assert reasons(result) == {
        ("jung.it@school.ac.kr", "e-mail belongs to an account created by hand")
    }


@pytest.mark.django_db
def test_bad_rows_are_skipped_with_reasons(school):
    school.add(
        ("B1", None, "메일없음", "경영학과", "student", "재학"),
        ("B2", "  ", "공백", "경영학과", "student", "재학"),
        ("B3", "dup@school.ac.kr", "중복1", "경영학과", "student", "재학"),
        ("B4", "DUP@school.ac.kr", "중복2", "경영학과", "staff", "재학"),
        ("B5", "not-an-email", "형식", "경영학과", "student", "재학"),
        ("B6", "two@@school.ac.kr", "형식2", "경영학과", "student", "재학"),
        ("B7", "alum@school.ac.kr", "동문", "경영학과", "alumni", "재학"),
        ("B8", "nulltype@school.ac.kr", "유형없음", "경영학과", None, "재학"),
        ("S001", "clone@school.ac.kr", "복제", "경영학과", "student", "재학"),
    )

    result = sync_users_once()

    # Rows come in external id order: B1..B8, E900, F100, S001, S001, ...
    assert sorted((s.who, s.reason) for s in result.skipped) == [
        ("B1", "no e-mail"),
        ("B2", "no e-mail"),
        ("alum@school.ac.kr", "unknown person type 'alumni'"),
        ("clone@school.ac.kr", "duplicate external id (rows 11, 12)"),
        ("dup@school.ac.kr", "duplicate e-mail (rows 3, 4)"),
        ("dup@school.ac.kr", "duplicate e-mail (rows 3, 4)"),
        ("kim.minsu@school.ac.kr", "duplicate external id (rows 11, 12)"),
        ("not-an-email", "malformed e-mail 'not-an-email'"),
        ("nulltype@school.ac.kr", "unknown person type ''"),
        ("two@@school.ac.kr", "malformed e-mail 'two@@school.ac.kr'"),
    ]
    assert sorted(s.row for s in result.skipped) == [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]
    # The good rows still go in; none of the bad ones do.
    assert sorted(User.objects.values_list("external_id", flat=True)) == [
        "E900",
        "F100",
        "S002",
        "S003",
    ]
    out = sync()
    assert "skipped    row 7 alum@school.ac.kr: unknown person type 'alumni'" in out
    assert out.strip().splitlines()[-1].endswith("skipped 10.")


@pytest.mark.django_db
def test_skipped_row_of_existing_user_is_not_a_departure(school):
    sync_users_once()
    school.set("S002", kind="exchange")

    result = sync_users_once()

    assert reasons(result) == {
        ("lee.jiwoo@school.ac.kr", "unknown person type 'exchange'")
    }
    assert result.deactivated == 0
    assert User.objects.get(external_id="S002").is_active


@pytest.mark.django_db
def test_email_taken_by_another_account_is_skipped(school):
    sync_users_once()
    school.set("S001", mail="lee.jiwoo@school.ac.kr")
    school.set("S002", mail="new.jiwoo@school.ac.kr")
    # S001 takes S002's old address in the same run: too ambiguous to guess.
    result = sync_users_once()

    assert ("lee.jiwoo@school.ac.kr", "e-mail already used by another account") in (
        reasons(result)
    )
    kim = User.objects.get(external_id="S001")
    assert kim.email == "kim.minsu@school.ac.kr"
    assert kim.is_active  # a skipped row is not a departure
    assert result.deactivated == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_unreachable_mis_exits_non_zero_and_changes_nothing(school, settings):
    sync_users_once()
    school.remove("S001")
    before = snapshot()
    settings.MIS_DATABASE_URL = f"postgres://mis:secret-pw@127.0.0.1:{free_port()}/mis"

    with pytest.raises(CommandError) as failure:
        sync()

    message = str(failure.value)
    assert "Directory sync failed, nothing changed" in message
    assert "unreachable" in message
    assert "secret-pw" not in message
    assert snapshot() == before


@pytest.mark.django_db
def test_missing_database_url_is_a_clear_error(settings):
    settings.MIS_DATABASE_URL = ""

    with pytest.raises(CommandError, match="MIS_DATABASE_URL is not set"):
        sync()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("MIS_COLUMN_EMAIL", "email_address", "email_address"),
        ("MIS_COLUMN_PERSON_TYPE", "type", "type"),
        ("MIS_USERS_TABLE", "hr.people", "people"),
    ],
)
def test_wrong_mapping_exits_non_zero_and_changes_nothing(
    school, settings, setting, value, expected
):
    sync_users_once()
    school.remove("S001")
    before = snapshot()
    setattr(settings, setting, value)

    with pytest.raises(CommandError) as failure:
        sync()

    assert expected in str(failure.value)
    assert "MIS_" in str(failure.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_custom_query_missing_a_mapped_column_is_reported(school, settings):
    settings.MIS_USERS_QUERY = "SELECT person_no, mail, full_name FROM hr.persons"

    with pytest.raises(SyncError, match=r"no column 'dept' \(MIS_COLUMN_DEPARTMENT\)"):
        sync_users_once()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_custom_query_and_unmapped_columns(school, settings):
    settings.MIS_USERS_QUERY = (
        "SELECT person_no, mail FROM hr.persons WHERE lower(kind) = 'student'"
    )
    settings.MIS_COLUMN_NAME = ""
    settings.MIS_COLUMN_DEPARTMENT = ""
    settings.MIS_COLUMN_PERSON_TYPE = ""
    settings.MIS_COLUMN_ACTIVE = ""

    result = sync_users_once()

    assert counts(result) == (3, 0, 0, 0)
    assert set(User.objects.values_list("role", "is_active", "name")) == {
        ("requester", True, "")
    }


@pytest.mark.django_db
def test_empty_source_never_deactivates_everyone(school):
    sync_users_once()
    school.execute("DELETE FROM hr.persons")

    with pytest.raises(SyncError, match="returned no people"):
        sync_users_once()
    assert User.objects.filter(is_active=True).count() == 5


@pytest.mark.django_db
def test_dry_run_prints_the_plan_and_writes_nothing(school):
    sync_users_once()
    school.set("S001", dept="전자공학과")
    school.remove("S002")
    school.add(("S004", "new@school.ac.kr", "신입생", "화학과", "student", "재학"))
    before = snapshot()

    out = sync("--dry-run")

    assert snapshot() == before
    lines = out.strip().splitlines()
    assert (
        "update     kim.minsu@school.ac.kr  (department: '컴퓨터공학과' -> '전자공학과')"
        in lines
    )
    assert "deactivate lee.jiwoo@school.ac.kr  (is_active: True -> False)" in lines
    assert "create     new@school.ac.kr  (role: None -> 'requester')" in lines
    assert lines[-1] == (
        "Directory sync (dry run, nothing written): 5 MIS rows; created 1, "
        "updated 1, deactivated 1, unchanged 3, skipped 0."
    )
    # The same plan, for real this time.
    assert sync().strip().splitlines()[-1] == (
        "Directory sync: 5 MIS rows; created 1, updated 1, deactivated 1, "
        "unchanged 3, skipped 0."
    )


@pytest.mark.django_db
def test_writes_in_batches(school, settings):
    settings.MIS_SYNC_BATCH_SIZE = 2

    with CaptureQueriesContext(connection) as queries:
        result = sync_users_once()

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "accounts_user"')]
    assert result.created == 5
    assert len(inserts) == 3  # 2 + 2 + 1

    for person_no in ("S001", "S002", "S003", "F100", "E900"):
        school.set(person_no, dept="새학과")
    with CaptureQueriesContext(connection) as queries:
        result = sync_users_once()
    updates = [q for q in queries if q["sql"].startswith('UPDATE "accounts_user"')]
    assert result.updated == 5
    assert len(updates) == 3


@pytest.mark.django_db
def test_send_links_mails_created_users_only(school, mailoutbox):
    sync_users_once()
    school.add(("S004", "new@school.ac.kr", "신입생", "화학과", "student", "재학"))

    out = sync("--send-links")

    assert [m.to for m in mailoutbox] == [["new@school.ac.kr"]]
    assert "set-password links sent 1." in out


@pytest.mark.django_db
def test_concurrent_run_is_refused(school):
    ours = connection.settings_dict["NAME"]
    # Another session holds the lock, as an overlapping cron run would.
    with psycopg.connect(SERVER_URL.rsplit("/", 1)[0] + f"/{ours}") as other:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        with pytest.raises(SyncError, match="Another directory sync"):
            sync_users_once()
    assert User.objects.count() == 0
    assert sync_users_once().created == 5  # the lock went with that session


@pytest.mark.django_db
def test_boolean_active_column(school, settings):
    settings.MIS_USERS_QUERY = (
        "SELECT person_no, mail, full_name, dept, kind, "
        "status IN ('재학', '재직') AS still_here FROM hr.persons"
    )
    settings.MIS_COLUMN_ACTIVE = "still_here"
    settings.MIS_ACTIVE_VALUES = []
    school.set("S003", status="자퇴")

    result = sync_users_once()

    assert result.created == 4
    assert not User.objects.filter(external_id="S003").exists()


@pytest.mark.django_db
def test_every_keeps_running_when_the_mis_is_down(settings, monkeypatch):
    settings.MIS_DATABASE_URL = f"postgres://mis@127.0.0.1:{free_port()}/mis"
    naps = []

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt  # stop the loop after two failed runs

    monkeypatch.setattr("accounts.management.commands.sync_users.time.sleep", sleep)
    err = StringIO()

    with pytest.raises(KeyboardInterrupt):
        call_command("sync_users", "--every", "600", stdout=StringIO(), stderr=err)

    assert naps == [600, 600]
    assert err.getvalue().count("The MIS database is unreachable") == 2


def test_every_refuses_a_short_interval():
    with pytest.raises(CommandError, match="at least 60 seconds"):
        call_command("sync_users", "--every", "5")


@pytest.mark.django_db
def test_rows_whose_emails_name_one_account_are_duplicates(school):
    # "ſ" (long s) casefolds to "s": both rows would be one account.
    school.add(
        ("B1", "sam@school.ac.kr", "샘1", "경영학과", "student", "재학"),
        ("B2", "ſam@school.ac.kr", "샘2", "경영학과", "student", "재학"),
    )

    result = sync_users_once()

    assert sorted(s.reason for s in result.skipped) == [
        "duplicate e-mail (rows 1, 2)",
        "duplicate e-mail (rows 1, 2)",
    ]
    assert not User.objects.by_email("sam@school.ac.kr").exists()


@pytest.mark.django_db
def test_a_look_alike_email_matches_the_account_it_names(school):
    legacy = UserFactory(
        email="park.seo@school.ac.kr", source=Source.DIRECTORY, external_id=""
    )
    school.set("S003", mail="park.seo@ſchool.ac.kr")

    sync_users_once()

    legacy.refresh_from_db()
    assert legacy.external_id == "S003"
    assert User.objects.by_email("park.seo@school.ac.kr").get() == legacy
