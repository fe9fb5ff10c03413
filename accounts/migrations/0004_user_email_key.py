"""Store each user's e-mail lookup key (accounts.models.email_lookup_key).

The column is added empty and filled here; 0005 makes it unique, in its own
transaction, as Django's "migrations that add unique fields" recipe does.
"""

import unicodedata
from collections import defaultdict

from django.db import migrations, models


def _lookup_key(email):
    # accounts.models.email_lookup_key as of this migration.
    return unicodedata.normalize("NFKC", (email or "").strip()).casefold()


def fill_email_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.only("pk", "email"))
    emails_by_key = defaultdict(list)
    for user in users:
        user.email_key = _lookup_key(user.email)
        emails_by_key[user.email_key].append(user.email)
    clashes = [emails for emails in emails_by_key.values() if len(emails) > 1]
    if clashes:
        listed = "; ".join(", ".join(sorted(emails)) for emails in clashes)
        raise RuntimeError(
            "These e-mail addresses differ only in case or look-alike letters, "
            f"so they would name one account: {listed}. Change all but one address "
            "of each group, then migrate again."
        )
    User.objects.bulk_update(users, ["email_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_signin_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_key",
            field=models.TextField(
                editable=False, null=True, verbose_name="e-mail key"
            ),
        ),
        migrations.RunPython(fill_email_keys, migrations.RunPython.noop),
    ]
