"""What a file is, decided from its bytes: never from its name or the Content-Type the client declared.

Binary formats are recognised by their signatures (the `filetype` library). CSV has none: it is UTF-8 text (a
BOM is fine) without NUL or other control characters, whose lines (a header and at least one row) split into
the same number (at least two) of fields on one delimiter. Markup (HTML, SVG, XML) is text too, and is refused
by name: a browser would run it.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field

import filetype

HEAD_BYTES = 8192  # what `filetype` looks at
SAMPLE_CHARS = 64 * 1024  # the text a CSV is judged by
SAMPLE_LINES = 50

# Sniffed type -> what it is called in messages.
ACCEPTED: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.ms-excel": "XLS",
    "text/csv": "CSV",
}
ACCEPTED_NAMES = ", ".join(ACCEPTED.values())
_DELIMITERS = ",;\t|"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, line feed, carriage return


class Refused(ValueError):
    """The content is none of the accepted types; the message says what it looks like."""


@dataclass
class Scan:
    """Reads a file once, in chunks: its size, its first bytes, and whether it is plain UTF-8 text (with a
    sample of that text)."""

    head: bytes = b""
    text_sample: str = ""
    sample_cut: bool = False  # the text goes on beyond the sample
    is_text: bool = True
    _decoder: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8-sig")())

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        if self.is_text:
            self._take_text(chunk, final=False)

    def finish(self) -> None:
        if self.is_text:
            self._take_text(b"", final=True)

    def _take_text(self, chunk: bytes, *, final: bool) -> None:
        try:
            text = self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            self.is_text = False
            return
        if _CONTROL.search(text):
            self.is_text = False
            return
        room = SAMPLE_CHARS - len(self.text_sample)
        if len(text) > room:
            self.sample_cut = True
        if room > 0:
            self.text_sample += text[:room]


def content_type(scan: Scan) -> str:
    """The accepted media type of the scanned file; raises Refused saying what it is otherwise."""
    if not scan.head:
        raise Refused("the file is empty")
    kind = filetype.guess(scan.head)
    if kind is not None:
        if kind.mime in ACCEPTED:
            return str(kind.mime)
        raise Refused(f"the content is {kind.mime} (.{kind.extension})")
    if not scan.is_text:
        raise Refused("the content is binary data of no known type")
    if scan.text_sample.lstrip().startswith("<"):
        raise Refused("the content is markup (HTML, SVG or XML)")
    if not looks_delimited(scan.text_sample, complete=not scan.sample_cut):
        raise Refused("the content is text, but not delimited like CSV (a header and rows, as many fields in each)")
    return "text/csv"


def looks_delimited(sample: str, *, complete: bool) -> bool:
    """Two lines or more that split into the same number of fields, two or more, on one of , ; tab |."""
    lines = sample.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # cut off mid-line
    lines = [line for line in lines[:SAMPLE_LINES] if line.strip()]
    if len(lines) < 2:  # a header and at least one row
        return False
    for delimiter in _DELIMITERS:
        if delimiter not in lines[0]:
            continue
        try:
            rows = list(csv.reader(lines, delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        widths = {len(row) for row in rows if row}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False
