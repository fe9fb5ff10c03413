"""The service desk's user: e-mail is the login, `role` decides everything else."""

import unicodedata

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    AGENT = "agent", _("Agent")
    ADMIN = "admin", _("Admin")


class Source(models.TextChoices):
    MANUAL = "manual", _("Created by hand")
    DIRECTORY = "directory", _("Directory sync")


class Language(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")


def normalize_email_address(email: str) -> str:
    """Return the canonical (lower-case, trimmed) form of an e-mail address."""
    return (email or "").strip().lower()


def email_lookup_key(email: str) -> str:
    """The key that says which account an e-mail address names.

    Sign-in, password resets and the failed-sign-in limits all compare this key,
    by equality, so an address either is an account's (the same account, the
    same lock) or names none. It is Django's own rule for "the same e-mail"
    (PasswordResetForm: NFKC, then casefold), so look-alikes that a database's
    case-insensitive match would join (`ı`, `ſ`, full-width letters) are either
    the same key or a different one, never a way past the lock.
    """
    return unicodedata.normalize("NFKC", (email or "").strip()).casefold()


class UserQuerySet(models.QuerySet):
    def staff(self):
        """Agents and admins: the people who work the queue."""
        return self.filter(role__in=[Role.AGENT, Role.ADMIN], is_active=True)

    def by_email(self, email: str):
        """The user (zero or one) whose e-mail address is `email`'s key."""
        return self.filter(email_key=email_lookup_key(email))

    # Bulk writes skip save(): they derive the key themselves.
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for user in objs:
            user.email_key = email_lookup_key(user.email)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "email" in fields:
            for user in objs:
                user.email_key = email_lookup_key(user.email)
            fields = [*fields, "email_key"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Sign-in matches the e-mail by its key (whatever its case).
        return self.by_email(username).get()

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email_address(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields["role"] = Role.ADMIN
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    # email_lookup_key(email), kept in step by save() and the bulk writes: what every
    # lookup by e-mail compares. Text: NFKC may lengthen an address.
    email_key = models.TextField(_("e-mail key"), unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=Language.choices,
        default=Language.KOREAN,
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.REQUESTER
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Derived from `role` on every save; never edited on its own.
    is_staff = models.BooleanField(
        _("admin site access"), default=False, editable=False
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The person's id in the school's MIS; only the directory sync sets it.
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    # Who owns the account: the directory sync never touches "manual" ones.
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="accounts_user_external_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["role", "is_active"])]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email_address(self.email)
        self.email_key = email_lookup_key(self.email)
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.email = normalize_email_address(self.email)
        # The key is not a form field, so forms do not check its uniqueness;
        # the same address is already reported by the e-mail field's own check.
        others = User.objects.by_email(self.email).exclude(pk=self.pk)
        if others.exclude(email=self.email).exists():
            raise ValidationError(
                {"email": _("Another account already uses this e-mail address.")},
                code="unique",
            )

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email

    @property
    def is_agent_or_admin(self) -> bool:
        """True for the IT team: agents and admins."""
        return self.is_active and self.role in (Role.AGENT, Role.ADMIN)

    @property
    def is_requester(self) -> bool:
        return self.role == Role.REQUESTER


class SignInCounter(models.Model):
    """A failed-sign-in counter shared by every web process (see throttling.py).

    Used when the shared cache is the database cache, whose `incr` is a read and
    a write that concurrent processes interleave; these rows are counted with
    one atomic upsert instead.
    """

    key = models.CharField(max_length=100, primary_key=True)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sign-in failure counter")
        verbose_name_plural = _("sign-in failure counters")

    def __str__(self):
        return f"{self.key}={self.count}"
