"""What a file holds, told from its first bytes, whatever its name says.

Real exports are often misnamed: BI tools save an HTML table or tab-separated text as ``.xls``, a
workbook is renamed ``.csv``, an ``.xlsx`` turns out to be an Excel 97 file. The loader reads a
file by its content where that is a format of the same family, and otherwise says what the file
looks like and what to do; the rules are in :mod:`analysis.data.sources`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HEAD = 4096
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")
#: A BIFF8 workbook's first record (BOF of the workbook globals, 20 bytes); FILEPASS (0x002F)
#: right after it means the workbook is encrypted with a password.
_BIFF8_GLOBALS = bytes.fromhex("0908100000060500")
_BOF_SIZE = 20
_FILEPASS = b"\x2f\x00"
#: The stream an encrypted .xlsx keeps inside its OLE container (directory names are UTF-16).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Content:
    """A file's content kind (``zip``, ``ole``, ``parquet``, ``html``, ``excel-xml``, ``xml``,
    ``pdf``, ``text`` or ``binary``) and how a message names it."""

    kind: str
    looks_like: str

    @property
    def workbook(self) -> bool:
        """A container calamine reads as a workbook (.xlsx/.xlsb/.ods or .xls)."""
        return self.kind in ("zip", "ole")


_NAMES = {
    "zip": "an Excel workbook (.xlsx) or another ZIP archive",
    "ole": "an Excel 97-2003 workbook (.xls) or another Office file",
    "parquet": "a Parquet file",
    "html": "an HTML table (a web page)",
    "excel-xml": "an Excel 2003 XML spreadsheet",
    "xml": "an XML file",
    "pdf": "a PDF document",
    "text": "text",
    "binary": "binary data of an unknown kind",
}


def content(path: Path) -> Content:
    """The kind of ``path``'s content, from its first 4 KB."""
    with open(path, "rb") as file:
        head = file.read(_HEAD)
    kind = _kind(head)
    return Content(kind, _NAMES[kind])


def _kind(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(_BOMS[1:]) or _utf16(head):  # Excel's "Unicode text"
        return "text"
    start = head.removeprefix(_BOMS[0]).lstrip().lower()
    if start.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in start:
            return "excel-xml"
        if start.startswith(b"<?xml") and b"<html" not in start:
            return "xml"
        if any(tag in start for tag in (b"<html", b"<table", b"<!doctype html")):
            return "html"
    if not head or len(_CONTROL.findall(head)) <= len(head) // 100:
        return "text"
    return "binary"


def _utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: Latin or CJK text has a NUL in every other byte."""
    quarter = len(head) // 4
    return quarter > 0 and max(head[0::2].count(0), head[1::2].count(0)) > quarter


def password_protected(path: Path) -> bool:
    """An OLE file that is an encrypted .xlsx, or an .xls whose workbook has a password.

    Only asked once a workbook failed to open, so reading the whole file costs nothing in the
    ordinary case.
    """
    data = path.read_bytes()
    if not data.startswith(_OLE):
        return False
    if _ENCRYPTED_PACKAGE in data:
        return True
    start = data.find(_BIFF8_GLOBALS)
    return start >= 0 and data[start + _BOF_SIZE : start + _BOF_SIZE + 2] == _FILEPASS
