"""What a file is comes from its bytes; what it is called must be a plain name. Pure checks, no database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.evidence import sniff
from app.evidence.names import BadName, checked_filename, content_disposition
from tests.evidence import files


def sniffed(content: bytes, chunk: int = 7) -> str:
    scan = sniff.Scan()
    for start in range(0, len(content), chunk):  # small chunks: text split inside a character still decodes
        scan.feed(content[start : start + chunk])
    scan.finish()
    return sniff.content_type(scan)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (files.pdf, "application/pdf"),
        (files.png, "image/png"),
        (files.jpeg, "image/jpeg"),
        (files.gif, "image/gif"),
        (files.webp, "image/webp"),
        (files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (files.ods, "application/vnd.oasis.opendocument.spreadsheet"),
        (files.xls, "application/vnd.ms-excel"),
        (files.csv, "text/csv"),
    ],
)
def test_every_accepted_kind_is_recognised_by_its_content(make: Callable[[], bytes], expected: str) -> None:
    assert sniffed(make()) == expected


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (files.executable(), "application/x-msdownload"),
        (files.zip_archive(), "application/zip"),
        (files.html(), "markup"),
        (files.svg(), "markup"),
        (b"Dear city, the numbers are fine.\n", "not delimited"),
        (b"period,value\n2026-09,81\n2026-10\n", "not delimited"),  # a ragged line
        (b"period,value\n2026-09,\x1b[31m81\n", "binary"),  # a terminal escape is no CSV
        ("p\u00e9riode,valeur\n".encode("latin-1") + b"2026-09,81\n", "binary"),  # not UTF-8
        (b"", "empty"),
    ],
)
def test_anything_else_is_refused_saying_what_it_is(content: bytes, said: str) -> None:
    with pytest.raises(sniff.Refused, match=said):
        sniffed(content)


def test_a_long_csv_is_judged_by_its_first_lines_and_read_to_the_end() -> None:
    rows = "".join(f"2026-{month:02d},{month * 7},ok\n" for month in range(1, 13)) * 4000  # about 780 KB
    assert sniffed(("period,value,note\n" + rows).encode(), chunk=65536) == "text/csv"
    with pytest.raises(sniff.Refused, match="binary"):  # a NUL far beyond the sample still counts
        sniffed(("period,value,note\n" + rows).encode() + b"\x00", chunk=65536)


@pytest.mark.parametrize(
    "name",
    [
        "../x.pdf",
        "a/b.pdf",
        "a\\b.pdf",
        "..",
        "report\x00.pdf",
        "report\n.pdf",
        "invoice\u202efdp.exe",  # a right-to-left override dressing an .exe up as a PDF
        "",
        "   ",
        None,
        "a" * 252 + ".pdf",
    ],
)
def test_a_name_that_is_a_path_or_hides_something_is_refused(name: str | None) -> None:
    with pytest.raises(BadName):
        checked_filename(name)


def test_a_plain_name_is_kept_as_written() -> None:
    name = "Pothole report \u2013 October 2026 (final).pdf"
    assert checked_filename(f"  {name} ") == name
    assert checked_filename("a" * 251 + ".pdf") == "a" * 251 + ".pdf"


def test_the_download_offers_the_name_to_old_and_new_clients() -> None:
    header = content_disposition('Rapport "final" \u2013 \u00e9t\u00e9.pdf')
    assert header == (
        'attachment; filename="Rapport _final_ _ _t_.pdf"; '
        "filename*=UTF-8''Rapport%20%22final%22%20%E2%80%93%20%C3%A9t%C3%A9.pdf"
    )
