"""Reading mails: charsets, file names, HTML, and cutting quotes and signatures."""

import pytest

from inbound.parsing import (
    MalformedMessage,
    html_to_text,
    message_key,
    parse_message,
)
from inbound.quotes import strip_quoted

from .mails import mail


def _raw_mail(headers: bytes, body: bytes) -> bytes:
    return headers.replace(b"\n", b"\r\n") + b"\r\n" + body


def test_undeclared_8bit_euc_kr_subject_and_body_decode():
    raw = _raw_mail(
        b"From: " + "김학생".encode("euc-kr") + b" <Student1@School.ac.kr>\n"
        b"Subject: " + "무선랜 접속 불가".encode("euc-kr") + b"\n"
        b"Message-ID: <euckr@x>\n",
        "기숙사에서 무선랜이 안 됩니다.".encode("euc-kr"),
    )
    parsed = parse_message(raw)
    assert parsed.subject == "무선랜 접속 불가"
    assert parsed.sender == "student1@school.ac.kr"
    assert parsed.sender_name == "김학생"
    assert parsed.text == "기숙사에서 무선랜이 안 됩니다."


def test_cp949_declared_as_ks_c_5601_1987_decodes():
    # 똠 and 햏 exist in CP949 but not in plain EUC-KR.
    raw = _raw_mail(
        b"From: a@school.ac.kr\nSubject: =?ks_c_5601-1987?B?"
        + __import__("base64").b64encode("똠방 햏".encode("cp949"))
        + b"?=\nContent-Type: text/plain; charset=ks_c_5601-1987\n",
        "똠방각하 햏".encode("cp949"),
    )
    parsed = parse_message(raw)
    assert parsed.subject == "똠방 햏"
    assert parsed.text == "똠방각하 햏"


def test_iso_2022_kr_body_decodes():
    raw = _raw_mail(
        b"From: a@school.ac.kr\nSubject: x\n"
        b"Content-Type: text/plain; charset=ISO-2022-KR\n",
        "한글 본문입니다".encode("iso2022_kr"),
    )
    assert parse_message(raw).text == "한글 본문입니다"


def test_rfc2231_and_rfc2047_korean_file_names_decode():
    raw = _raw_mail(
        b'From: a@school.ac.kr\nSubject: x\nContent-Type: multipart/mixed; boundary="B"\n',
        b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n"
        b"--B\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
        b"--B\r\nContent-Type: application/octet-stream;\r\n"
        b' name="=?EUC-KR?B?x9Gx2yCxuLy6Lmh3cA==?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
        b"--B\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment;\r\n"
        b" filename*0*=euc-kr''%C8%AD%B8%E9;\r\n filename*1*=%C4%B8%C3%B3.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--B--\r\n",
    )
    names = [a.filename for a in parse_message(raw).attachments]
    assert names == ["보고서.pdf", "한글 구성.hwp", "화면캡처.pdf"]


def test_html_only_mail_becomes_safe_text():
    raw = _raw_mail(
        b"From: a@school.ac.kr\nSubject: x\nContent-Type: text/html; charset=utf-8\n",
        "<html><head><style>p{color:red}</style></head><body><p>안녕하세요</p>"
        "<div>프린터 <b>고장</b><script>alert(1)</script></div></body></html>".encode(),
    )
    assert parse_message(raw).text == "안녕하세요\n\n프린터 고장"


def test_html_blockquote_becomes_quoted_lines():
    assert html_to_text("<p>ok</p><blockquote>old<br>text</blockquote>") == (
        "ok\n\n> old\n> text"
    )


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b"", "empty"),
        (b"\r\n\r\njust some junk without headers", "no headers"),
        (b"Subject: hello\r\n\r\nbody", "From"),
        (b"From: not an address\r\nSubject: x\r\n\r\nbody", "From"),
    ],
)
def test_malformed_mails_raise_with_a_reason(raw, reason):
    with pytest.raises(MalformedMessage, match=reason):
        parse_message(raw)


def test_broken_base64_body_still_parses():
    raw = _raw_mail(
        b"From: a@school.ac.kr\nSubject: x\nContent-Transfer-Encoding: base64\n"
        b"Content-Type: text/plain; charset=utf-8\n",
        b"7ZWc6riA!!!not-base64@@",
    )
    assert parse_message(raw).sender == "a@school.ac.kr"


def test_mail_without_message_id_gets_a_stable_key():
    raw = b"From: a@school.ac.kr\r\nSubject: x\r\n\r\nbody"
    assert message_key("", raw) == message_key("", raw)
    assert message_key("", raw) != message_key("", raw + b"!")
    assert message_key("<a@b>", raw) == "<a@b>"


def test_thread_ids_put_in_reply_to_first():
    parsed = parse_message(
        mail(headers={"In-Reply-To": "<c@x>", "References": "<a@x> <b@x> <c@x>"})
    )
    assert parsed.thread_ids == ["<c@x>", "<b@x>", "<a@x>"]


@pytest.mark.parametrize(
    "text",
    [
        "확인했습니다.\n\n##- 이 줄 위에 답장을 써 주세요 -##\n안녕하세요 김학생님,",
        "확인했습니다.\n\nOn Mon, 30 Nov 2026 at 10:00, IT Desk <help@school.ac.kr> wrote:\n> 안녕",
        "확인했습니다.\nOn Mon, 30 Nov 2026 at 10:00, IT Service Desk\n<help@school.ac.kr> wrote:\n> 안녕",
        "확인했습니다.\n\n2026년 11월 30일 (월) 오전 10:00, IT <help@school.ac.kr>님이 작성:\n> 안녕",
        "확인했습니다.\n\n-----Original Message-----\nFrom: IT\nSent: Monday",
        "확인했습니다.\n\n-----원본 메시지-----\n보낸 사람: IT",
        "확인했습니다.\n\n________________________________\n보낸 사람: IT 서비스데스크 <help@school.ac.kr>\n"
        "보낸 날짜: 2026년 11월 30일 월요일 오전 10:00\n받는 사람: 김학생\n제목: RE: [SD-000001]",
        "확인했습니다.\n\nFrom: IT <help@school.ac.kr>\nSent: Monday\nTo: me\nSubject: x",
        "확인했습니다.\n-- \n김학생\n컴퓨터공학과",
        "확인했습니다.\n\niPhone에서 보냄",
        "확인했습니다.\n\n> 이전 메일\n> 내용",
    ],
)
def test_quoted_history_and_signatures_are_cut(text):
    assert strip_quoted(text) == "확인했습니다."


def test_inline_answer_below_the_quote_is_kept_whole():
    text = "> 어느 건물인가요?\n공학관입니다."
    assert strip_quoted(text) == text


def test_from_line_in_the_reply_itself_is_not_a_quote_header():
    text = "From: 3층 복도 프린터가 또 멈췄어요.\n감사합니다."
    assert strip_quoted(text) == text
