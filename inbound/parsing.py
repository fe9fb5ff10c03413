"""Reading a raw mail: headers, text, attachments, and the reply without its quotes.

Built on the standard library's `email` package (compat32 policy, which never
raises on a broken header), with our own decoding of text, so mail in legacy
Korean charsets (EUC-KR, CP949 declared as ks_c_5601-1987, ISO-2022-KR, or
undeclared 8-bit) and RFC 2047 / RFC 2231 Korean file names come out right.
Nothing here touches the database.
"""

import email
import hashlib
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

MAX_HEADER_EXCERPT = 8000

# Charsets mail clients declare that Python names differently or not at all.
# CP949 is a superset of EUC-KR: Korean mail labelled EUC-KR often uses it.
CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
}
# Tried in order when a charset is missing, unknown or wrong.
FALLBACK_CHARSETS = ("utf-8", "cp949", "iso2022_kr")

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_SURROGATES = re.compile(r"[\udc80-\udcff]")


class MalformedMessage(Exception):
    """The bytes are not a mail we can act on (the reason is the message)."""


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes


@dataclass
class ParsedMail:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    recipients: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    auto_submitted: str = ""
    precedence: str = ""
    is_report: bool = False
    auto_reply: bool = False
    null_return_path: bool = False
    attachments: list[ParsedAttachment] = field(default_factory=list)
    headers: str = ""

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this mail answers: In-Reply-To first, then References."""
        seen, ids = set(), []
        for value in [*self.in_reply_to, *reversed(self.references)]:
            if value not in seen:
                seen.add(value)
                ids.append(value)
        return ids


# --- Decoding ---------------------------------------------------------------------


def _codec(charset: str | None) -> str | None:
    name = (charset or "").strip().strip('"').lower()
    if name == "unknown-8bit":
        return None
    return CHARSET_ALIASES.get(name, name) or None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text of `data` in its declared charset, else the first that fits."""
    candidates = [_codec(charset), *FALLBACK_CHARSETS]
    for codec in candidates:
        if not codec:
            continue
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _undo_surrogates(value) -> str:
    """A header value as a string, raw 8-bit bytes decoded in their charset.

    compat32 hands a header with undeclared 8-bit bytes back as a `Header` in
    the "unknown-8bit" charset (or, elsewhere, as surrogate escapes).
    """
    if isinstance(value, Header):
        return "".join(
            decode_bytes(chunk) if isinstance(chunk, bytes) else chunk
            for chunk, _charset in decode_header(value)
        )
    value = str(value)
    if not _SURROGATES.search(value):
        return value
    return decode_bytes(value.encode("utf-8", errors="surrogateescape"))


def decode_header_value(value) -> str:
    """A header as text: RFC 2047 words decoded, raw 8-bit bytes too."""
    if value is None:
        return ""
    value = _undo_surrogates(value)
    try:
        parts = decode_header(value)
    except Exception:  # noqa: BLE001 - a broken encoded word stays as written
        return " ".join(value.split())
    text = "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in parts
    )
    return " ".join(text.split())


def _header(message: Message, name: str) -> str:
    return decode_header_value(message.get(name))


def one_line(value: str) -> str:
    return " ".join(str(value or "").split())


def message_ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value or "")


def message_key(message_id: str, raw: bytes) -> str:
    """What makes a mail unique: its Message-ID, else a digest of its bytes."""
    if message_id and len(message_id) <= 255:
        return message_id
    digest = hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()
    return f"<{digest}@no-message-id.invalid>"


def _addresses(message: Message, *names: str) -> list[tuple[str, str]]:
    values = []
    for name in names:
        values += [_undo_surrogates(v) for v in message.get_all(name, [])]
    return [
        # Case kept: the signed token in a reply address is case-sensitive.
        (decode_header_value(display), address.strip())
        for display, address in getaddresses(values)
        if "@" in address
    ]


# --- Bodies -------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """HTML to plain text: block tags become line breaks, quotes get '> '."""

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "ul",
            "ol",
            "pre",
            "hr",
            "section",
        ]
    )
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.depth_quote = 0
        self.skipping = 0

    def _newline(self):
        self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.depth_quote += 1
            self._newline()
        elif tag in self.BLOCKS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.depth_quote = max(0, self.depth_quote - 1)
            self._newline()
        elif tag in self.BLOCKS:
            self._newline()

    def handle_data(self, data):
        if self.skipping:
            return
        text = " ".join(data.split())
        if not text:
            return
        if not self.lines[-1] and self.depth_quote:
            self.lines[-1] = "> " * self.depth_quote
        joiner = "" if not self.lines[-1] or self.lines[-1].endswith(" ") else " "
        self.lines[-1] += joiner + text

    def text(self) -> str:
        out, blank = [], False
        for line in (line.rstrip() for line in self.lines):
            if line:
                out.append(line)
                blank = False
            elif not blank and out:
                out.append("")
                blank = True
        return "\n".join(out).strip()


def html_to_text(html: str) -> str:
    """Safe plain text of an HTML body: tags, scripts and styles dropped."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return parser.text()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


def _is_attachment(part: Message) -> bool:
    if part.get_content_maintype() == "multipart":
        return False
    if part.get_content_type() == "message/rfc822":
        return True
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() != "text"


def _filename(part: Message, index: int) -> str:
    raw = part.get_filename()  # RFC 2231 parameters already joined and decoded
    name = decode_header_value(raw) if raw else ""
    name = name.replace("/", "_").replace("\\", "_").strip()
    if name:
        return name
    subtype = part.get_content_subtype() or "bin"
    if part.get_content_type() == "message/rfc822":
        subtype = "eml"
    return f"attachment-{index}.{re.sub(r'[^a-z0-9]', '', subtype)[:10] or 'bin'}"


def _attachment(part: Message, index: int) -> ParsedAttachment:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        payload = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
    else:
        payload = part.get_payload(decode=True) or b""
    return ParsedAttachment(_filename(part, index), part.get_content_type(), payload)


def _bodies(message: Message) -> tuple[str, list[ParsedAttachment]]:
    plain, html, attachments = [], [], []
    for part in _walk(message):
        if _is_attachment(part):
            attachments.append(_attachment(part, len(attachments) + 1))
        elif part.get_content_type() == "text/html":
            html.append(_part_text(part))
        elif part.get_content_maintype() == "text":
            plain.append(_part_text(part))
    if any(text.strip() for text in plain):
        text = "\n".join(plain)
    else:
        text = "\n".join(html_to_text(value) for value in html)
    return _normalise_newlines(text).strip(), attachments


def _walk(message: Message):
    """Leaf parts, not descending into attached mails (they are attachments)."""
    if message.is_multipart():
        for part in message.get_payload():
            if isinstance(part, Message):
                yield from _walk(part)
    else:
        yield message


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- The whole message --------------------------------------------------------------


def parse_message(raw: bytes) -> ParsedMail:
    """Read `raw`; raise MalformedMessage when it is not a usable mail."""
    if not raw or not raw.strip():
        raise MalformedMessage("The message is empty.")
    try:
        message = email.message_from_bytes(raw)
    except Exception as exc:  # noqa: BLE001 - any parser error is the mail's fault
        raise MalformedMessage(f"The message cannot be parsed: {exc}") from exc
    if not message.keys():
        raise MalformedMessage("The message has no headers.")
    sender_name, sender = _sender(message)
    if not sender:
        raise MalformedMessage("The message has no usable From address.")
    try:
        text, attachments = _bodies(message)
    except Exception as exc:  # noqa: BLE001 - broken MIME structure
        raise MalformedMessage(f"The message body cannot be read: {exc}") from exc
    ids = message_ids(_header(message, "Message-ID"))
    return ParsedMail(
        message_id=ids[0] if ids else "",
        sender=sender,
        sender_name=sender_name,
        subject=_header(message, "Subject"),
        text=text,
        recipients=[
            address
            for _name, address in _addresses(
                message, "To", "Cc", "Delivered-To", "X-Original-To"
            )
        ],
        in_reply_to=message_ids(_header(message, "In-Reply-To")),
        references=message_ids(_header(message, "References")),
        auto_submitted=_header(message, "Auto-Submitted").lower(),
        precedence=_header(message, "Precedence").lower(),
        is_report=message.get_content_type() == "multipart/report",
        auto_reply=any(name in message for name in ("X-Autoreply", "X-Autorespond")),
        null_return_path=_header(message, "Return-Path").strip() == "<>",
        attachments=attachments,
        headers=_header_excerpt(message),
    )


def _sender(message: Message) -> tuple[str, str]:
    found = _addresses(message, "From")
    if found:
        return found[0][0], found[0][1].lower()
    name, address = parseaddr(_header(message, "From"))
    return name, address.strip().lower() if "@" in address else ""


def _header_excerpt(message: Message) -> str:
    lines = [f"{name}: {decode_header_value(value)}" for name, value in message.items()]
    return "\n".join(lines)[:MAX_HEADER_EXCERPT]


def header_excerpt(raw: bytes) -> str:
    """Headers of a mail that could not be parsed, as far as they can be read."""
    head = (raw or b"").split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return decode_bytes(head[:MAX_HEADER_EXCERPT])[:MAX_HEADER_EXCERPT]
