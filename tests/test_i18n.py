"""Message catalogs and the Chinese edition: every text a reader sees has a translation, is
found, and a run with ``--language zh`` reads in Chinese while English stays as it was."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from analysis.core import i18n, notebook_messages
from analysis.core.errors import ConfigError
from analysis.core.i18n import N_, _, n_
from analysis.data.config import config_from_dict, sample_config_path
from analysis.data.load import load
from analysis.reports import present, zh_numbers
from analysis.run.export import to_html
from analysis.run.runner import run

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None}
NOTEBOOK = "analysis.core.notebook_messages:extract"
PAGES = ("index.html", "overview.html", "target_miss.html", "forecast.html", "../index.html")


def messages_in(folder: Path, method_map=(("**.py", "python"),)) -> set[str]:
    """Every msgid the code (or the notebooks) of ``folder`` marks: what `make catalog` extracts."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        folder, method_map=list(method_map), keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def every_message() -> set[str]:
    return messages_in(ROOT / "src" / "analysis") | messages_in(
        ROOT / "notebooks", [("*.ipynb", NOTEBOOK)]
    )


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_message_has_a_translation(language):
    catalog = i18n.catalog(language)
    missing = sorted(m for m in every_message() if m not in catalog)
    assert not missing, f"{len(missing)} messages without a {language} translation: {missing[:10]}"


def test_translations_keep_the_placeholders_they_are_filled_with():
    """A translation may name fewer placeholders than its English (Chinese has no plural -s), but
    never one the code does not fill: that would fail with a KeyError in a report."""
    field = re.compile(r"{(\w*)}")
    path = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        messages = [m for m in read_po(handle, locale="zh") if m.id]
    for message in messages:
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        filled = {name for text in english for name in field.findall(text)}
        for text in texts:
            extra = set(field.findall(text)) - filled
            # {units} and {target}: the narrative fills them for languages that name the counts
            assert not extra or extra <= {"units", "target"}, (message.id, text)


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


def test_notebook_markdown_and_code_are_extracted(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("## Heading\n\nA sentence."),
        nbformat.v4.new_code_cell('from analysis.core.i18n import _\nprint(_("In code"))'),
        nbformat.v4.new_markdown_cell("  "),
    ]
    nbformat.write(notebook, tmp_path / "n.ipynb")
    found = messages_in(tmp_path, [("*.ipynb", NOTEBOOK)])
    assert found == {"## Heading\n\nA sentence.", "In code"}


def test_the_exporter_translates_markdown_cells_and_sets_the_page_language():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("## Revenue by product line")]
    english = to_html(notebook, "t")
    with i18n.speaking("zh"):
        chinese = to_html(notebook, "t")
        assert notebook_messages.markdown("No such cell") == "No such cell"
    assert "Revenue by product line" in english and '<html lang="en">' in english
    assert "各产品线收入" in chinese and '<html lang="zh-Hans">' in chinese
    assert "Revenue by product line" not in chinese


def test_chinese_amounts_count_in_wan_and_yi():
    assert zh_numbers.money(23_672_663.12, "CNY") == "2,367.27 万元"
    assert zh_numbers.money(123_456_789, "CNY") == "1.23 亿元"
    assert zh_numbers.money(3_456, "CNY") == "3,456 元"
    assert zh_numbers.money(-1_205_000, "EUR") == "-120.50 万欧元"
    assert zh_numbers.money(23_672_700, "XYZ") == "2,367.27 万 XYZ"
    assert zh_numbers.money(3_456, "CNY", fixed="万") == "0.35 万元"
    assert zh_numbers.count(35_000, "套") == "3.5 万套"
    assert zh_numbers.count(1_234, "套") == "1,234 套"
    assert zh_numbers.quarter("2025Q4") == "2025年第四季度"
    assert zh_numbers.quarter("FY2026Q1") == "2026财年第一季度"


def test_present_speaks_the_current_language():
    assert present.money(23_672_663, "CNY", short=True) == "¥23.67 M"
    assert present.quarter("2025Q4") == "2025Q4"
    with i18n.speaking("zh"):
        assert present.money(23_672_663, "CNY", short=True) == "2,367.27 万元"
        assert present.money(123_456_789, "CNY", short=True) == "1.23 亿元"
        assert present.money(123_456_789, "CNY") == "12,345.68 万元"  # a table's column: 万元
        assert present.units(42_086) == "4.2 万套"
        assert present.percent(0.962) == "96.2%"
        assert present.quarter("2025Q4") == "2025年第四季度"
        assert present.own("Total") == "合计"
        assert present.sentences(["甲。", "乙。"]) == "甲。乙。"  # no space after 。
    assert present.sentences(["A.", "B."]) == "A. B."


def test_the_configuration_names_the_language():
    sales = {"path": "sales.csv"}
    assert config_from_dict({"sales": sales}, Path(".")).language == "en"
    assert config_from_dict({"sales": sales, "language": "zh"}, Path(".")).language == "zh"
    with pytest.raises(ConfigError, match=r"language: 'fr'.*en, zh"):
        config_from_dict({"sales": sales, "language": "fr"}, Path("."))


class _Visible(HTMLParser):
    """A page's visible text, one line per element (scripts, styles and the title left out),
    with the text alternatives of images."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style", "title")
        self.lines += [value for name, value in attrs if name == "alt" and value]
        self.lines.append("")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style", "title")
        self.lines.append("")

    def handle_data(self, data):
        if not self._hidden:
            self.lines[-1:] = [(self.lines[-1] if self.lines else "") + data]


def visible(page: Path) -> list[str]:
    parser = _Visible()
    parser.feed(page.read_text(encoding="utf-8"))
    return [line.strip() for line in parser.lines if line.strip()]


#: Names that stay as they are in Chinese: the forecast's models and scores, file and tool names.
TERMS = (
    "Holt-Winters",
    "sMAPE",
    "MASE",
    "RMSSE",
    "ARIMA",
    "MinT",
    "ETS",
    "CES",
    "quarterly-sales-workbench",
)
#: Three or more Latin words in a row, separated by spaces or commas only: an English phrase.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,]+[A-Za-z][A-Za-z'’]*){2,}")


def english_phrases(lines: list[str], names: list[str]) -> list[str]:
    """English phrases in ``lines`` once data names (channels, regions, ..., company, files),
    currency codes, quarter labels and ``TERMS`` are taken out."""
    found = []
    for line in lines:
        for name in [*sorted(names, key=len, reverse=True), *TERMS]:
            line = line.replace(name, "·")
        line = re.sub(r"\b(?:FY)?\d{4}Q[1-4]\b|\b[A-Z]{3}\b|\S+\.(?:csv|html|json)\b", "·", line)
        found += ENGLISH.findall(line)
    return found


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """The sample's 2025Q4 published in English and in Chinese."""
    out = {}
    for language in ("en", "zh"):
        folder = tmp_path_factory.mktemp(language)
        out[language] = run("2025Q4", None, folder, language=language).folder
    return out


@pytest.fixture(scope="module")
def data_names() -> list[str]:
    """Names from the sample's data and configuration, which no edition translates."""
    dataset = load(sample_config_path())
    names = {dataset.config.company}
    for column in ("channel", "region", "product_line", "product", "customer"):
        names |= set(dataset.sales[column].astype(str))
    return [n for n in names if n]


def test_the_chinese_edition_reads_in_chinese(editions, data_names):
    folder = editions["zh"]
    for name in PAGES:
        page = folder / name
        assert "<html lang='zh-Hans'>" in page.read_text(encoding="utf-8").replace('"', "'")
        phrases = english_phrases(visible(page), data_names)
        assert not phrases, f"English in the Chinese {name}: {phrases[:8]}"
    headline = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["text"]
    assert headline["headline"].startswith("2025年第四季度收入 2,417.57 万元")
    overview = "\n".join(visible(folder / "overview.html"))
    assert "季度概览" in overview and "各渠道收入" in overview  # markdown cells translated
    assert "+132.23 万元" in overview  # a table's amounts in 万元


def test_the_english_edition_stays_english(editions, data_names):
    folder = editions["en"]
    headline = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["text"]
    assert headline["headline"].startswith("Revenue in 2025Q4 was ¥24.18 M, up 7.2% on 2024Q4")
    for name in PAGES:
        text = (folder / name).read_text(encoding="utf-8")
        assert "<html lang='en'>" in text.replace('"', "'")
        assert not re.search(r"[\u4e00-\u9fff]", "\n".join(visible(folder / name))), name
    # the check itself: it finds the English sentences that the Chinese edition must not have
    assert english_phrases(visible(folder / "overview.html"), data_names)
