"""Markdown is rendered and sanitised: nothing a browser would run survives."""

import pytest

from knowledge.markdown import render_markdown


@pytest.mark.parametrize(
    ("markdown", "gone"),
    [
        ("<script>alert('x')</script>안내", ["<script", "alert("]),
        ("<style>body{display:none}</style>안내", ["<style", "display:none"]),
        # Left as plain text: no link is made of it.
        ("[눌러 보세요](javascript:alert(1))", ["<a", "href"]),
        ('<a href="javascript:alert(1)">링크</a>', ["javascript:"]),
        ('<a href="JaVaScRiPt:alert(1)">링크</a>', ["javascript", "JaVaScRiPt"]),
        ('<a href="data:text/html,<b>x</b>">링크</a>', ["data:"]),
        ('<img src="/a.png" onerror="alert(1)">', ["onerror", "alert("]),
        ('<p onclick="steal()">문단</p>', ["onclick", "steal"]),
        ('<span style="color:red">빨강</span>', ["style=", "<span"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil"]),
        ('<form action="/x"><input name="a"></form>', ["<form", "<input"]),
    ],
)
def test_unsafe_markup_is_removed(markdown, gone):
    html = render_markdown(markdown)
    for piece in gone:
        assert piece not in html, html


def test_markdown_renders_the_usual_things():
    html = render_markdown(
        "# 제목\n\n**굵게** `코드`\n\n- 하나\n- 둘\n\n"
        "| 항목 | 값 |\n|---|---|\n| 포트 | 993 |\n\n"
        "[학교](https://www.example.ac.kr) [목록](/kb/) [메일](mailto:it@example.ac.kr)"
    )
    assert "<h1>제목</h1>" in html
    assert "<strong>굵게</strong>" in html and "<code>코드</code>" in html
    assert "<li>하나</li>" in html and "<td>993</td>" in html
    assert 'href="https://www.example.ac.kr"' in html
    assert 'href="/kb/"' in html
    assert 'href="mailto:it@example.ac.kr"' in html
    # Links written by staff may lead anywhere: no referrer, no search credit.
    assert 'rel="noopener noreferrer nofollow"' in html


def test_text_that_looks_like_markup_is_escaped():
    assert "&lt;관리자&gt;" in render_markdown("1 < 2 and &lt;관리자&gt;")
