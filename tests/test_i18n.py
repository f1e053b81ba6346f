"""Message catalogs: every text a reader sees has a translation in each language, and is found."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from analysis.core import i18n
from analysis.core.i18n import N_, _, n_

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None}


def messages_in(folder: Path) -> set[str]:
    """Every msgid the package's code marks (what `make catalog` extracts)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        folder, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_message_has_a_translation(language):
    catalog = i18n.catalog(language)
    missing = sorted(m for m in messages_in(ROOT / "src" / "analysis") if m not in catalog)
    assert not missing, f"{len(missing)} messages without a {language} translation: {missing[:10]}"


def test_english_is_the_text_itself():
    assert _("Revenue") == "Revenue"
    assert n_("{n} channel", "{n} channels", 2) == "{n} channels"
    assert N_("Revenue") == "Revenue"


def test_a_language_reads_its_catalog_and_falls_back_to_english(monkeypatch):
    monkeypatch.setattr(
        i18n, "catalog", lambda language: {"Revenue": "收入", "{n} channel": ("{n} 个渠道",)}
    )
    with i18n.speaking("zh"):
        assert _("Revenue") == "收入"
        assert n_("{n} channel", "{n} channels", 3) == "{n} 个渠道"
        assert _("Not translated") == "Not translated"
    assert _("Revenue") == "Revenue"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en, zh"):
        i18n.use("fr")


def test_extraction_finds_every_marker(tmp_path):
    (tmp_path / "m.py").write_text(
        'from analysis.core.i18n import N_, _, n_\nA = N_("a")\n_("b")\nn_("c", "cs", 2)\n',
        encoding="utf-8",
    )
    assert messages_in(tmp_path) == {"a", "b", "c"}
