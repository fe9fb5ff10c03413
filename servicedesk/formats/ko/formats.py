"""Korean: "2026년 12월 1일 오후 2:54" (오전/오후 before the time, as Korean writes it).

Django's own Korean DATETIME_FORMAT puts `A` after the time ("2:54 오후").
"""

DATE_FORMAT = "Y년 n월 j일"
TIME_FORMAT = "A g:i"
DATETIME_FORMAT = "Y년 n월 j일 A g:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
