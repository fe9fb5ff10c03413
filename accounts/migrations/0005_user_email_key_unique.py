from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_email_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email_key",
            field=models.TextField(editable=False, unique=True, verbose_name="e-mail key"),
        ),
    ]
