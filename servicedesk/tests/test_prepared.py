"""PreparedRows: a queryset's SQL compiled once per shape, then run with new values."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from servicedesk.prepared import PreparedRows
from tickets.models import Category, Ticket


@pytest.fixture
def people(db):
    made = [
        User.objects.create_user(email=f"p{n}@example.ac.kr", name=f"P{n}", role=role)
        for n, role in enumerate([Role.AGENT, Role.AGENT, Role.REQUESTER])
    ]
    return made


def _by_id(user_id):
    return User.objects.filter(pk=user_id).values_list("email", "role")


def test_rows_are_the_querysets_rows_for_every_value(people):
    prepared = PreparedRows(_by_id, kinds=(int,))
    for person in people:
        assert prepared(person.pk) == list(_by_id(person.pk))
    assert prepared(0) == []
    assert prepared.is_prepared()


def test_after_the_first_call_a_call_runs_one_query_and_compiles_nothing(
    people, monkeypatch
):
    prepared = PreparedRows(_by_id, kinds=(int,))
    prepared(people[0].pk)

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(
        "django.db.models.sql.compiler.SQLCompiler.as_sql", no_compiling
    )
    with CaptureQueriesContext(connection) as queries:
        assert prepared(people[1].pk) == [(people[1].email, Role.AGENT)]
    assert len(queries) == 1


def test_each_shape_is_prepared_on_its_own(people):
    prepared = PreparedRows(
        lambda *, role: (
            User.objects.filter(role=role).order_by("pk").values_list("pk", flat=True)
        )
    )
    agents = prepared(role=Role.AGENT)
    requesters = prepared(role=Role.REQUESTER)
    assert agents == [people[0].pk, people[1].pk]
    assert requesters == [people[2].pk]
    assert prepared(role=Role.AGENT) == agents


def test_a_stand_in_changed_on_the_way_falls_back_to_the_orm(people):
    """`icontains` wraps the value into a LIKE pattern: not one whole parameter."""
    prepared = PreparedRows(
        lambda text: User.objects.filter(email__icontains=text).values_list(
            "pk", flat=True
        ),
        kinds=(str,),
    )
    assert not prepared.is_prepared()
    assert prepared("p1@") == [people[1].pk]
    assert prepared("P2@EXAMPLE") == [people[2].pk]


def test_a_stand_in_written_into_the_sql_falls_back_to_the_orm(people):
    """A slice's bounds are written into the SQL (LIMIT n), never bound."""
    prepared = PreparedRows(
        lambda size: User.objects.order_by("pk").values_list("pk", flat=True)[:size],
        kinds=(int,),
    )
    assert not prepared.is_prepared()
    assert prepared(2) == [people[0].pk, people[1].pk]
    assert prepared(1) == [people[0].pk]


def test_a_shape_that_reads_nothing_runs_no_query(people):
    prepared = PreparedRows(
        lambda user_id: User.objects.none().values_list("pk"), kinds=(int,)
    )
    with CaptureQueriesContext(connection) as queries:
        assert prepared(people[0].pk) == []
    assert len(queries) == 0


def test_plain_model_instances_are_prepared(people):
    prepared = PreparedRows(
        lambda user_id: User.objects.filter(pk=user_id), kinds=(int,)
    )
    [person] = prepared(people[2].pk)
    assert prepared.is_prepared()
    assert person == people[2]
    assert (person.email, person.role, person.name) == (
        people[2].email,
        Role.REQUESTER,
        "P2",
    )
    assert not person._state.adding
    assert person._state.db == "default"


def test_model_instances_with_related_objects_are_left_to_the_orm(db):
    prepared = PreparedRows(
        lambda ticket_id: Ticket.objects.filter(pk=ticket_id).select_related(
            "requester"
        ),
        kinds=(int,),
    )
    assert not prepared.is_prepared()
    assert prepared(1) == []


def test_a_datetime_value_is_bound(people):
    prepared = PreparedRows(
        lambda since: (
            User.objects.filter(date_joined__gte=since)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        kinds=(datetime.datetime,),
    )
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    for days, person in enumerate(people):
        User.objects.filter(pk=person.pk).update(
            date_joined=start + datetime.timedelta(days=days)
        )
    assert prepared.is_prepared()
    assert prepared(start + datetime.timedelta(days=1)) == [people[1].pk, people[2].pk]
    assert prepared(start + datetime.timedelta(days=3)) == []


def test_the_number_of_values_is_checked(db):
    prepared = PreparedRows(_by_id, kinds=(int,))
    with pytest.raises(TypeError):
        prepared()


def test_a_value_that_looks_like_sql_is_only_a_value(people):
    prepared = PreparedRows(
        lambda email: User.objects.filter(email=email).values_list("pk", flat=True),
        kinds=(str,),
    )
    assert prepared.is_prepared()
    assert prepared("x' OR '1'='1") == []
    assert prepared(people[2].email) == [people[2].pk]


def test_rows_keep_the_querysets_order_and_expressions(db):
    for slug, order in (("b", 2), ("a", 2), ("c", 1)):
        Category.objects.create(slug=slug, name_ko=slug, name_en=slug, sort_order=order)
    prepared = PreparedRows(
        lambda: Category.objects.filter(slug__in=["a", "b", "c"]).values_list(
            "slug", "sort_order"
        )
    )
    assert prepared() == [("c", 1), ("a", 2), ("b", 2)]
