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
#: Western Windows and DOS code pages, always weighed (charset-normalizer may leave them out).
_WESTERN_CODE_PAGES = ("cp1252", "cp437", "cp850")
#: Bytes of the non-ASCII lines whose readings are compared (:func:`_most_plausible`).
_SCORED_BYTES = 64 * 1024
#: Never in a sales export: C0/C1 controls, box drawing and block elements, private use.
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2500-\u259f\ue000-\uf8ff\ufffd]")
#: A non-ASCII symbol or punctuation mark next to a letter (``£ódź``, ``Mart¡n``).
_SYMBOL_BY_LETTER = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f]|[^\w\s\x00-\x7f](?=[^\W\d_])")
#: A small letter followed by a non-ASCII letter: the second must not be a capital (``MartÍn``).
_LETTER_PAIR = re.compile(r"[^\W\d_][^\W\d_\x00-\x7f]")
_WORD = re.compile("[^\\W\\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")
#: Letters of another script than Latin (Latin runs to U+024F, with U+1E00-U+1EFF).
_NOT_LATIN = re.compile("[^\x00-\u024f\u1e00-\u1eff]")
#: Latin-1's letters without the Icelandic Ð, Þ, Ý (and ð, þ, ý).
_WESTERN_LETTER = re.compile(
    "[\u00c0-\u00cf\u00d1-\u00d6\u00d8-\u00dc\u00df-\u00ef\u00f1-\u00f6\u00f8-\u00fc\u00ff]"
)
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
    candidates = [match.encoding for match in from_bytes(sample)]
    if not candidates:
        raise DataError(
            "cannot tell which text encoding this file uses",
            source=label,
            expected="UTF-8, or set `encoding:` for this source in the config",
        )
    return _widen(_most_plausible(candidates, sample[:_SCORED_BYTES]))


def _most_plausible(candidates: list[str], sample: bytes) -> str:
    """Of charset-normalizer's candidates (best first), the one whose text reads most plausibly.

    charset-normalizer ranks single-byte code pages by statistics that short names cannot feed:
    a cp1252 ``Øresund`` comes out as cp1250 ``Řresund``, a DOS ``Martín`` as cp775 or cp932,
    and on a short sample it may not offer the Western code pages at all. So Windows' and DOS's
    Western code pages join its candidates (after them), and all are ranked again by what the
    decoded text looks like: fewest implausible characters first (controls, box drawing, a
    symbol next to a letter, a capital after a small letter, a word mixing scripts), then a
    Western reading (every accented letter of a Latin word
    one of Western Europe's, in Latin-1) before others, then charset-normalizer's order. Text in
    other scripts (Chinese, Cyrillic, Greek) has no Western reading and keeps its choice.
    """
    scored = []
    extra = [name for name in _WESTERN_CODE_PAGES if name not in candidates]
    for rank, name in enumerate(candidates + extra):
        try:
            text = sample.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        implausible, western = _plausibility(text)
        scored.append((implausible, not western, rank, name))
    return min(scored)[3] if scored else candidates[0]


def _plausibility(text: str) -> tuple[int, bool]:
    """Implausible characters in a decoded sample, and whether it reads as Western European.

    Implausible: controls, box drawing, a symbol next to a letter, a capital right after a small
    letter, and a word mixing Latin letters with another script's (``ﺝiauliai``). Western: the
    words with plain Latin letters have accented ones, all of them Latin-1 letters other than
    the Icelandic Ð, Þ, Ý (where cp1252 puts the Turkish and Baltic Ş, Ğ, İ, Š, Ž).
    """
    implausible = len(_IMPLAUSIBLE.findall(text)) + len(_SYMBOL_BY_LETTER.findall(text))
    implausible += sum(a.islower() and b.isupper() for a, b in _LETTER_PAIR.findall(text))
    accented = western = 0
    for word in _WORD.findall(text):
        if _ASCII_LETTER.search(word):
            implausible += bool(_NOT_LATIN.search(word))
            accented += len(word) - len(_ASCII_LETTER.findall(word))
            western += len(_WESTERN_LETTER.findall(word))
    return implausible, 0 < accented == western


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
