"""Articles and deflections; on PostgreSQL, the search indexes.

`knowledge.search.article_search` asks `servicedesk.search.term_filter`:
`search_text LIKE '%' || UPPER(term) || '%'` for three or more characters (the
trigram index), `string_to_array(search_bigrams, ' ') @> ARRAY[term]` for two
(the bigram index), as on tickets (tickets migrations 0003, 0005, 0006). The
indexes are on exactly those expressions (tests/test_search.py checks the
plans). Other databases (SQLite) get the columns and no index.
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "article_search_text_trgm_idx": (
        "ON knowledge_article USING gin (search_text gin_trgm_ops)"
    ),
    "article_bigrams_idx": (
        "ON knowledge_article USING gin ((string_to_array(search_bigrams, ' ')))"
    ),
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Trusted since PostgreSQL 13; tickets' 0003 made it already on most sites.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} {definition}")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tickets', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(help_text='Markdown. Scripts and unsafe links are removed.', verbose_name='body')),
                ('body_html', models.TextField(blank=True, editable=False, verbose_name='rendered body')),
                ('language', models.CharField(choices=[('ko', 'Korean'), ('en', 'English')], default='ko', max_length=8, verbose_name='language')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=16, verbose_name='status')),
                ('internal', models.BooleanField(default=False, help_text='Staff notes: never shown to requesters, even when published.', verbose_name='internal')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('search_bigrams', models.TextField(blank=True, default='', editable=False)),
                ('search_text', models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Upper(django.db.models.functions.text.Concat('title', models.Value(' '), 'body', output_field=models.TextField())), output_field=models.TextField())),
                ('author', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='tickets.category', verbose_name='category')),
            ],
            options={
                'verbose_name': 'article',
                'verbose_name_plural': 'articles',
                'ordering': ['-updated_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Deflection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deflections', to='knowledge.article', verbose_name='article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reader')),
            ],
            options={
                'verbose_name': 'deflection',
                'verbose_name_plural': 'deflections',
            },
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('internal', False), ('status', 'published')), fields=['-updated_at'], name='article_public_idx'),
        ),
        migrations.AddConstraint(
            model_name='deflection',
            constraint=models.UniqueConstraint(fields=('article', 'user', 'day'), name='deflection_once_a_day'),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
