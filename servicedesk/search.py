"""Word search over a stored, upper-cased text column: shared by tickets and articles.

A model searched this way keeps two columns:

- `search_text`: its words upper-cased (a `GeneratedField`), looked into with
  `LIKE '%TERM%'`; on PostgreSQL a trigram GIN index on it serves terms of
  three or more characters.
- `search_bigrams`: every two-character piece of every word, space-separated
  (`search_bigrams()` below, kept by the model's services). pg_trgm cannot serve
  two-character terms, common in Korean (메일, 계정), so on PostgreSQL those are
  answered from a GIN index on `string_to_array(search_bigrams, ' ')`.

Other databases (SQLite, the embedded default) get the same columns, no
index, and the `LIKE` for every term.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper

MAX_SEARCH_TERMS = 8
# Kept for search only, never shown: reads of whole rows leave them out.
SEARCH_COLUMNS = ("search_text", "search_bigrams")
BIGRAMS_ALIAS = "bigrams"


def search_terms(q: str | None) -> list[str]:
    """The words of a query, at most MAX_SEARCH_TERMS of them."""
    return (q or "").split()[:MAX_SEARCH_TERMS]


def search_bigrams(*texts: str) -> str:
    """Every two-character piece of every word, upper-cased, space-separated."""
    pieces: set[str] = set()
    for text in texts:
        for word in (text or "").upper().split():
            pieces.update(word[i : i + 2] for i in range(len(word) - 1))
    return " ".join(sorted(pieces))


def with_bigrams(queryset: QuerySet) -> QuerySet:
    """`queryset` with the bigram array that `term_filter` reads (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return queryset
    # Exactly the expression the migrations index, or the index is unused.
    array = Func(
        F("search_bigrams"),
        Value(" "),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )
    return queryset.alias(**{BIGRAMS_ALIAS: array})


def term_filter(term: str) -> Q:
    """Rows whose text holds `term`, whatever its case (after `with_bigrams`)."""
    upper = term.upper()
    if connection.vendor == "postgresql" and len(upper) == 2:
        # One well-estimated condition: beside a LIKE, PostgreSQL would take
        # the two as independent and misjudge how many rows match.
        return Q(**{f"{BIGRAMS_ALIAS}__contains": [upper]})
    # `contains` escapes %, _ and \ so that they match literally.
    return Q(search_text__contains=Upper(Value(term)))
