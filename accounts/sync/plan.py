"""Turning MIS rows and the users we have into a plan of changes.

Pure Python over plain values: no queries here, so the dry run and the real
run compute exactly the same plan.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import (
    Role,
    Source,
    User,
    email_lookup_key,
    normalize_email_address,
)

from .config import DirectoryConfig

NAME_MAX = User._meta.get_field("name").max_length
DEPARTMENT_MAX = User._meta.get_field("department").max_length
EXTERNAL_ID_MAX = User._meta.get_field("external_id").max_length
EMAIL_MAX = User._meta.get_field("email").max_length

# The fields the sync owns on a directory user; everything else is ours.
SYNCED_FIELDS = (
    "email",
    "external_id",
    "source",
    "name",
    "department",
    "role",
    "is_active",
)


@dataclass(frozen=True)
class Skipped:
    """A source row (or one of our users) the sync left alone, and why."""

    row: int | None  # 1-based position in the source; None for our own users
    who: str
    reason: str

    def __str__(self):
        where = f"row {self.row}" if self.row else "user"
        return f"{where} {self.who or '-'}: {self.reason}"


@dataclass(frozen=True)
class Person:
    """A valid source row, normalised."""

    row: int
    email: str
    external_id: str
    name: str | None  # None: the column is not mapped, keep ours
    department: str | None
    role: str
    active: bool


@dataclass(frozen=True)
class Existing:
    """What the plan needs to know about one of our users."""

    id: int
    email: str
    external_id: str
    source: str
    name: str
    department: str
    role: str
    is_active: bool

    def values(self) -> dict:
        return {name: getattr(self, name) for name in SYNCED_FIELDS}


@dataclass(frozen=True)
class Change:
    """One planned write: create, update or deactivate, with old -> new values."""

    action: str
    email: str
    diff: dict = field(default_factory=dict)  # field -> (old, new)
    user_id: int | None = None
    values: dict = field(default_factory=dict)  # the full new synced values

    def __str__(self):
        detail = ", ".join(
            f"{k}: {old!r} -> {new!r}" for k, (old, new) in self.diff.items()
        )
        return f"{self.action:<10} {self.email}" + (f"  ({detail})" if detail else "")


@dataclass
class Plan:
    creates: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    deactivations: list[Change] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes(self) -> list[Change]:
        return [*self.updates, *self.creates, *self.deactivations]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _mapped_text(raw: dict, name: str, limit: int, config) -> str | None:
    if not getattr(config.columns, name):
        return None
    return _text(raw.get(name))[:limit]


def _is_active(value, config: DirectoryConfig) -> bool:
    if isinstance(value, bool):
        return value
    # A missing value never grants access: NULL reads as "not active".
    return _text(value).lower() in config.active_values


def _role(
    raw: dict, email: str, external_id: str, config: DirectoryConfig
) -> str | None:
    if email in config.agent_emails or external_id in config.agent_external_ids:
        return Role.AGENT.value
    if not config.columns.person_type:
        return Role.REQUESTER.value
    person_type = _text(raw.get("person_type")).lower()
    if person_type in config.agent_types:
        return Role.AGENT.value
    if person_type in config.requester_types:
        return Role.REQUESTER.value
    return None


def _email_problem(email: str) -> str | None:
    if not email:
        return "no e-mail"
    if len(email) > EMAIL_MAX:
        return "e-mail too long"
    try:
        validate_email(email)
    except ValidationError:
        return f"malformed e-mail {email!r}"
    return None


class _Rows:
    """Validated source rows plus the keys of every row, valid or not."""

    def __init__(self):
        self.people: list[Person] = []
        self.skipped: list[Skipped] = []
        # Users named by a skipped row are not "gone": bad data is no departure.
        self.held_emails: set[str] = set()
        self.held_external_ids: set[str] = set()

    def skip(self, row: int, email: str, external_id: str, reason: str):
        self.skipped.append(Skipped(row, email or external_id, reason))
        if email:
            self.held_emails.add(email)
        if external_id:
            self.held_external_ids.add(external_id)


def _duplicates(raws: list[dict], key) -> dict[int, str]:
    """Row number -> reason, for rows sharing a non-empty key with another row."""
    rows_by_value = defaultdict(list)
    for number, raw in enumerate(raws, start=1):
        value = key(raw)
        if value:
            rows_by_value[value].append(number)
    found = {}
    for numbers in rows_by_value.values():
        if len(numbers) > 1:
            listed = ", ".join(map(str, numbers))
            for number in numbers:
                found[number] = listed
    return found


def rows_parse(raws: list[dict], config: DirectoryConfig) -> _Rows:
    """Validate and normalise source rows; bad ones are skipped with a reason."""
    result = _Rows()
    # Rows whose e-mails name one account (models.email_lookup_key) are duplicates.
    dup_emails = _duplicates(raws, lambda r: email_lookup_key(_text(r.get("email"))))
    dup_ids = _duplicates(raws, lambda r: _text(r.get("external_id")))
    for number, raw in enumerate(raws, start=1):
        email = normalize_email_address(_text(raw.get("email")))
        external_id = _text(raw.get("external_id"))
        problem = _email_problem(email)
        if problem is None and number in dup_emails:
            problem = f"duplicate e-mail (rows {dup_emails[number]})"
        if problem is None and number in dup_ids:
            problem = f"duplicate external id (rows {dup_ids[number]})"
        if problem is None and len(external_id) > EXTERNAL_ID_MAX:
            problem = "external id too long"
        role = _role(raw, email, external_id, config) if problem is None else None
        if problem is None and role is None:
            problem = f"unknown person type {_text(raw.get('person_type'))!r}"
        if problem:
            result.skip(number, email, external_id, problem)
            continue
        result.people.append(
            Person(
                row=number,
                email=email,
                external_id=external_id,
                name=_mapped_text(raw, "name", NAME_MAX, config),
                department=_mapped_text(raw, "department", DEPARTMENT_MAX, config),
                role=role,
                active=_is_active(raw.get("active"), config)
                if config.columns.active
                else True,
            )
        )
    return result


class _Planner:
    """Match people to our users and decide each one's change."""

    def __init__(self, rows: _Rows, existing: list[Existing], adopt_manual: bool):
        self.rows = rows
        self.adopt_manual = adopt_manual
        self.by_external_id = {u.external_id: u for u in existing if u.external_id}
        self.by_email = {email_lookup_key(u.email): u for u in existing}
        self.existing = existing
        self.source_external_ids = {p.external_id for p in rows.people if p.external_id}
        self.source_external_ids |= rows.held_external_ids
        self.matched: dict[int, int] = {}  # user id -> source row
        self.plan = Plan(skipped=list(rows.skipped))

    def skip(self, person: Person, reason: str):
        self.plan.skipped.append(Skipped(person.row, person.email, reason))

    def run(self) -> Plan:
        for person in self.rows.people:
            self.person(person)
        for user in self.existing:
            self.departure(user)
        return self.plan

    def match(self, person: Person) -> tuple[Existing | None, str | None]:
        """The user this person is, or a reason to leave them alone."""
        user = (
            self.by_external_id.get(person.external_id) if person.external_id else None
        )
        if user is None:
            user = self.by_email.get(email_lookup_key(person.email))
            if user is None:
                return None, None
            if user.source == Source.MANUAL and not self.adopt_manual:
                return None, "e-mail belongs to an account created by hand"
            if (
                user.external_id
                and user.external_id != person.external_id
                and (user.external_id in self.source_external_ids)
            ):
                return None, "e-mail belongs to another MIS person"
        if user.source == Source.MANUAL and not self.adopt_manual:
            return None, "external id belongs to an account created by hand"
        if user.id in self.matched:
            return None, f"same account as row {self.matched[user.id]}"
        other = self.by_email.get(email_lookup_key(person.email))
        if other is not None and other.id != user.id:
            return None, "e-mail already used by another account"
        return user, None

    def person(self, person: Person):
        user, reason = self.match(person)
        if reason:
            self.skip(person, reason)
            # Whoever this row names stays as they are, not "gone".
            self.rows.held_emails.add(person.email)
            if person.external_id:
                self.rows.held_external_ids.add(person.external_id)
            return
        if user is None:
            if person.active:
                self.create(person)
            return  # inactive and never imported: nothing to do
        self.matched[user.id] = person.row
        self.update(person, user)

    def create(self, person: Person):
        values = {
            "email": person.email,
            "external_id": person.external_id,
            "source": Source.DIRECTORY.value,
            "name": person.name or "",
            "department": person.department or "",
            "role": person.role,
            "is_active": True,
        }
        diff = {"role": (None, person.role)}
        self.plan.creates.append(Change("create", person.email, diff, None, values))

    def update(self, person: Person, user: Existing):
        old = user.values()
        new = {
            **old,
            "email": person.email,
            "external_id": person.external_id or user.external_id,
            "source": Source.DIRECTORY.value,
            "role": person.role,
            "is_active": person.active,
        }
        for name in ("name", "department"):
            if getattr(person, name) is not None:
                new[name] = getattr(person, name)
        if user.role == Role.ADMIN:
            # The sync never demotes nor locks out an admin.
            new["role"] = Role.ADMIN.value
            if not person.active and user.is_active:
                new["is_active"] = True
                self.skip(person, "admin marked inactive in the MIS; not deactivated")
        diff = {k: (old[k], v) for k, v in new.items() if old[k] != v}
        if not diff:
            self.plan.unchanged += 1
            return
        action = (
            "deactivate"
            if diff.keys() == {"is_active"} and not new["is_active"]
            else "update"
        )
        change = Change(action, user.email, diff, user.id, new)
        (
            self.plan.deactivations if action == "deactivate" else self.plan.updates
        ).append(change)

    def departure(self, user: Existing):
        if (
            user.source != Source.DIRECTORY
            or not user.is_active
            or user.id in self.matched
        ):
            return
        if user.email in self.rows.held_emails or (
            user.external_id and user.external_id in self.rows.held_external_ids
        ):
            return  # their row was skipped: bad data is not a departure
        if user.role == Role.ADMIN:
            self.plan.skipped.append(
                Skipped(None, user.email, "admin no longer in the MIS; not deactivated")
            )
            return
        values = {**user.values(), "is_active": False}
        diff = {"is_active": (True, False)}
        self.plan.deactivations.append(
            Change("deactivate", user.email, diff, user.id, values)
        )


def plan_build(
    raws: list[dict],
    existing: list[Existing],
    config: DirectoryConfig,
    *,
    adopt_manual: bool = False,
) -> Plan:
    """The changes that bring our users in line with the MIS rows."""
    return _Planner(rows_parse(raws, config), existing, adopt_manual).run()
