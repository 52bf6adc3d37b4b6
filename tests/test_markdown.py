"""The shared markdown renderer: useful formatting in, nothing dangerous out."""

import re

import pytest
from markupsafe import Markup

from kim_app.common.markdown import render_markdown


def test_common_formatting():
    html = render_markdown("# Judul\n\n**tebal** dan *miring*\n\n- satu\n- dua\n\n> kutipan")
    assert isinstance(html, Markup)
    assert "<h3>Judul</h3>" in html  # demoted below the page's own headings
    assert "<strong>tebal</strong>" in html and "<em>miring</em>" in html
    assert "<li>satu</li>" in html and "<blockquote>" in html


def test_line_breaks_are_kept():
    assert "baris satu<br>" in render_markdown("baris satu\nbaris dua")


def test_links_are_marked_user_content():
    html = render_markdown("[Diskominfo](https://patikab.go.id)")
    assert 'href="https://patikab.go.id"' in html
    assert "nofollow" in html and "ugc" in html


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{display:none}</style>",
    '<div onclick="alert(1)">x</div>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![foto](https://example.com/a.png)",
])
def test_nothing_dangerous_survives(source):
    html = str(render_markdown(source)).lower()
    tags = re.findall(r"<[^>]*>", html)
    assert all(re.match(r"</?(p|a|br|strong|em)\b", tag) for tag in tags), tags
    for tag in tags:
        assert not re.search(r"\bon\w+=|javascript:|data:", tag), tag


def test_empty_text():
    assert render_markdown("") == "" and render_markdown(None) == ""
