"""Finding articles by their words (the tickets' matching, `servicedesk.search`)."""

import re

from django.db.models import QuerySet

from servicedesk.search import search_terms, term_filter, with_bigrams

# Endings a Korean word takes in a sentence (particles, polite 요): a title
# such as "와이파이가 자꾸 끊겨요" then suggests articles about 와이파이 and 끊겨.
# Longest first; the stem left must keep two characters.
PARTICLES = (
    "에서는",
    "이에요",
    "에서",
    "으로",
    "에게",
    "까지",
    "부터",
    "예요",
    "이요",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "로",
    "도",
    "만",
    "의",
    "와",
    "과",
    "요",
)
HANGUL_WORD = re.compile(r"^[가-힣]+$")
PUNCTUATION = "?!.,;:()[]\"'"


def article_search(queryset: QuerySet, q: str) -> QuerySet:
    """Narrow `queryset` to articles holding every word of `q`."""
    terms = search_terms(q)
    if not terms:
        return queryset
    queryset = with_bigrams(queryset)
    for term in terms:
        queryset = queryset.filter(term_filter(term))
    return queryset


def suggestion_terms(text: str) -> list[str]:
    """The words of a ticket title worth looking for, particles taken off."""
    terms = []
    for word in (text or "").split():
        word = word.strip(PUNCTUATION)
        if HANGUL_WORD.match(word):
            for ending in PARTICLES:
                if word.endswith(ending) and len(word) - len(ending) >= 2:
                    word = word[: -len(ending)]
                    break
        if len(word) >= 2 and word not in terms:
            terms.append(word)
    return search_terms(" ".join(terms))
