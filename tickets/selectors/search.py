"""Text search over tickets: the reference parser and the word filters.

A word matches a substring of the title or the description (stored upper-cased
in `search_text`, trigram-indexed on PostgreSQL), whatever its case, or the
ticket's reference. Two-character words (common in Korean: 메일, 계정) have no
trigrams; they are answered from the stored two-character pieces
(`search_bigrams`, GIN-indexed).
"""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper

MAX_SEARCH_TERMS = 8
# Kept for search only, never shown: reads of whole tickets leave them out.
SEARCH_COLUMNS = ("search_text", "search_bigrams")
REFERENCE_PATTERN = re.compile(r"^(?:sd-?)?0*(\d{1,15})$", re.IGNORECASE)


def parse_reference(text: str) -> int | None:
    """The ticket id in `SD-000123`, `sd-123` or `123`; None for anything else."""
    match = REFERENCE_PATTERN.match((text or "").strip())
    return int(match.group(1)) if match else None


def search_bigrams(*texts: str) -> str:
    """Every two-character piece of every word, upper-cased, space-separated."""
    pieces: set[str] = set()
    for text in texts:
        for word in (text or "").upper().split():
            pieces.update(word[i : i + 2] for i in range(len(word) - 1))
    return " ".join(sorted(pieces))


def _bigram_array():
    # Exactly the expression indexed by migration 0003, or the index is unused.
    return Func(
        F("search_bigrams"),
        Value(" "),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )


def _term_filter(term: str) -> Q:
    upper = term.upper()
    if connection.vendor == "postgresql" and len(upper) == 2:
        # One well-estimated condition: beside a LIKE, PostgreSQL would take
        # the two as independent and misjudge how many rows match.
        text_match = Q(bigrams__contains=[upper])
    else:
        # `contains` escapes %, _ and \ so that they match literally.
        text_match = Q(search_text__contains=Upper(Value(term)))
    reference = parse_reference(term)
    if reference is not None:
        text_match |= Q(pk=reference)
    return text_match


def ticket_search(queryset: QuerySet, q: str) -> QuerySet:
    """Narrow `queryset` to tickets matching every word of `q`."""
    terms = (q or "").split()[:MAX_SEARCH_TERMS]
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        queryset = queryset.alias(bigrams=_bigram_array())
    for term in terms:
        queryset = queryset.filter(_term_filter(term))
    return queryset
