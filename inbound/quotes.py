"""Cutting quoted history and signatures off a reply.

Replies by mail quote what they answer, in every mail program's own way; what
the person wrote is the text above the first sign of a quote. Nothing here
touches the database.
"""

import re

# Our own notification mails start with this marker line (any language): what
# is written above it is the reply.
REPLY_MARKER = re.compile(r"^\s*(>\s*)*##-.*-##\s*$")
_WROTE = re.compile(r"^\s*(On\b.{0,300}\bwrote:|.{0,300}님이 작성:)\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original Message|Forwarded message|원본 메시지|전달된 메시지)"
    r"\s*-{2,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|보낸 사람|보낸사람)\s*:", re.IGNORECASE)
_OUTLOOK_FIELD = re.compile(
    r"^\s*\*?(Sent|Date|To|Subject|Cc|보낸 날짜|날짜|받는 사람|받는사람|제목|참조)\s*:",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(-- ?|Sent from my .{1,40}|.{1,20}에서 보냄|Get Outlook for .{1,20})\s*$",
    re.IGNORECASE,
)


def _is_outlook_header(lines: list[str], index: int) -> bool:
    if not _OUTLOOK_FROM.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 6] if line.strip()]
    return any(_OUTLOOK_FIELD.match(line) for line in following[:4])


def _wraps_wrote(lines: list[str], index: int) -> bool:
    line = lines[index]
    if not (line.strip().lower().startswith("on ") or "님이" in line):
        return False
    return index + 1 < len(lines) and bool(_WROTE.match(f"{line} {lines[index + 1]}"))


def _cut_index(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if REPLY_MARKER.match(line) or _ORIGINAL.match(line):
            return index
        if _WROTE.match(line):
            return index
        # Gmail wraps a long "On … wrote:" over two lines.
        if _wraps_wrote(lines, index):
            return index
        if _is_outlook_header(lines, index):
            # Outlook puts a line of underscores just above the header block.
            if index and set(lines[index - 1].strip()) == {"_"}:
                return index - 1
            return index
        if _SIGNATURE.match(line):
            return index
    return None


def strip_quoted(text: str) -> str:
    """The new part of a reply: quoted history and signatures cut off.

    When nothing would remain (someone answered inline, below the quote), the
    whole text is kept: losing words is worse than keeping a quote.
    """
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _cut_index(lines)
    if cut is not None:
        lines = lines[:cut]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    reply = "\n".join(lines).strip()
    return reply or (text or "").strip()
