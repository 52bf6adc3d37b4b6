"""Every label a screen reader reads out is translatable: no template writes an `aria-label`,
`alt` or `title` attribute as literal text (it goes through `_()`), so no English such as
aria-label="breadcrumb" reaches the Indonesian pages."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LITERAL = re.compile(
    r"""\s(aria-label|alt|title|placeholder)=(["'])(?!\{\{)([^"'{]*[A-Za-z][^"'{]*)\2""")
# Placeholders that are examples of a format, the same in every language.
FORMAT_EXAMPLES = {"TNY-26-XXXX", "TNY-26-4K7Q"}


def test_no_literal_text_in_labels():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in LITERAL.finditer(line):
                if match.group(3) not in FORMAT_EXAMPLES:
                    where = f"{path.relative_to(TEMPLATES)}:{number}"
                    found.append(f"{where}: {match.group(0).strip()}")
    assert found == []


def test_the_scan_sees_a_literal_label():
    assert LITERAL.search('<nav aria-label="breadcrumb">')
    assert not LITERAL.search("""<nav aria-label="{{ _('Jejak halaman') }}">""")
    assert not LITERAL.search('<img alt="" src="x">')
