"""Which text encoding a CSV file uses, and its text decoded with it.

Kept apart from :mod:`analysis.data.sources` because telling UTF-8, GB18030 and the rest apart is a
subject of its own (sampling, a test for simplified Chinese before charset-normalizer), and
``detect_encoding`` is useful without reading a table.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path

from charset_normalizer import from_bytes

from analysis.core.errors import DataError

#: Chinese national encodings: GB18030 is a superset of GBK and GB2312, so a file detected as one
#: of those still decodes when it holds a rarer character (e.g. 䶮 in a customer name).
_WIDENED = {"gbk": "gb18030", "gb2312": "gb18030"}
#: Bytes given to charset-normalizer: detection on a whole large file takes seconds and sees
#: nothing more.
_DETECT_BYTES = 256 * 1024
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_HANZI = re.compile("[\u4e00-\u9fff]")


def detect_encoding(path: Path) -> str:
    """A text file's encoding: UTF-8 first (``utf-8-sig`` with a BOM), else charset-normalizer."""
    path = Path(path)
    return decode(path.read_bytes(), None, path.name)[0]


def decode(data: bytes, encoding: str | None, label: str) -> tuple[str, str]:
    """Decode a whole file, detecting the encoding unless one is given; returns (encoding, text)."""
    if encoding is None:
        encoding = _detect(data, label)
    else:  # a named GBK may still hold a GB18030 character; a named UTF-8 may carry a BOM
        encoding = _widen(encoding)
        if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
    try:
        return encoding, data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start : err.start + 4]
        raise DataError(
            f"cannot be read as {encoding} (bytes {bad!r})",
            source=label,
            rows=[line],
            expected="another encoding: set `encoding:` for this source (e.g. utf-8, gb18030)",
        ) from None


def _detect(data: bytes, label: str) -> str:
    """UTF-8 first, then GB18030 for simplified Chinese, else charset-normalizer.

    The GB18030 test comes before charset-normalizer because, where the Chinese in a file is a
    few words repeated on every line (headers, channel names), charset-normalizer 3.5 answers
    Korean cp949, Kazakh kz1048 or Big5. Korean EUC-KR files pass the same test (their byte
    layout is GB2312's): they need `encoding:`.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in data[:4096]:  # UTF-16/32 (Excel's "Unicode text"): NULs "decode" as UTF-8
        sample = data[:_DETECT_BYTES]
    else:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            sample = _non_ascii_lines(data)
            if _simplified_chinese(sample):
                return "gb18030"
        else:
            return "utf-8"
    best = from_bytes(sample).best()
    if best is None:
        raise DataError(
            "cannot tell which text encoding this file uses",
            source=label,
            expected="UTF-8, or set `encoding:` for this source in the config",
        )
    return _widen(best.encoding)


def _simplified_chinese(sample: bytes) -> bool:
    """Reads as GB18030, and nine in ten of its Chinese characters are common simplified ones.

    Western single-byte text almost never decodes (a byte above 0x7F before a comma or digit is
    not GB18030); Big5 text does, but into rare characters (about half outside GB2312).
    """
    try:
        text = sample.decode("gb18030")
    except UnicodeDecodeError:
        return False
    counts = Counter(_HANZI.findall(text))
    common = sum(count for char, count in counts.items() if _in_gb2312(char))
    return common > 0.9 * sum(counts.values())


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _widen(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return _WIDENED.get(name, name)


def _non_ascii_lines(data: bytes) -> bytes:
    """The lines that tell encodings apart, without the ASCII ones that only dilute them."""
    parts, size, position = [], 0, 0
    while size < _DETECT_BYTES and (match := _NON_ASCII.search(data, position)):
        start = data.rfind(b"\n", 0, match.start()) + 1
        end = data.find(b"\n", match.start()) + 1 or len(data)
        parts.append(data[start:end])
        size, position = size + end - start, end
    return b"".join(parts)
