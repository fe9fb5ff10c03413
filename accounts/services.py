"""Writes and workflows for accounts: sign-in with throttling, seeding, links."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .backends import sign_in_was_locked
from .models import Role, User
from .throttling import SignInLocked


def sign_in_authenticate(*, request, email: str, password: str) -> User | None:
    """Check credentials through Django's authenticate() (and so the limits).

    Returns the user, or None for bad credentials (unknown e-mail and wrong
    password look the same). Raises SignInLocked while a lock is in force.
    """
    user = authenticate(request, username=email, password=password)
    if user is None and sign_in_was_locked(request):
        raise SignInLocked()
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Save the language the user reads pages, e-mails and notifications in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(
            {"language": _("Choose Korean or English.")}, code="invalid_choice"
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    name: str
    role: str
    department: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "student@example.ac.kr",
        "demo-requester-1",
        "김학생",
        Role.REQUESTER,
        "컴퓨터공학과",
    ),
    DemoAccount("agent@example.ac.kr", "demo-agent-1", "이담당", Role.AGENT, "전산팀"),
    DemoAccount("admin@example.ac.kr", "demo-admin-1", "박관리", Role.ADMIN, "전산팀"),
)


@transaction.atomic
def demo_accounts_seed() -> list[tuple[User, bool]]:
    """Create the demo requester, agent and admin; re-running changes nothing.

    Returns (user, created) pairs. An existing demo account keeps its password.
    """
    results = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.by_email(account.email).first()
        created = user is None
        if created:
            user = User.objects.create_user(
                account.email,
                account.password,
                name=account.name,
                role=account.role,
                department=account.department,
            )
        results.append((user, created))
    return results


def password_link_send(*, user: User) -> None:
    """E-mail a link with which the user sets (or resets) their password.

    The same form and templates as the "forgot password" page, so accounts made
    without a password (the directory sync) get their first one this way.
    """
    from urllib.parse import urlsplit

    from django.conf import settings

    from .forms import SetPasswordLinkForm

    form = SetPasswordLinkForm({"email": user.email})
    if not form.is_valid():
        raise ValueError(f"cannot send a link to {user.email!r}")
    base = urlsplit(settings.APP_BASE_URL)
    form.save(
        domain_override=base.netloc,
        use_https=base.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        extra_email_context={"app_base_url": settings.APP_BASE_URL},
    )
