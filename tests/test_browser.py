"""The published report in a real headless browser with the network blocked.

Checks what a manager's browser does with the page: nothing requested from the network, no script
errors, charts drawn, and hostile names from the data shown as text, never run. Needs Debian's
chromium (``apt-get install chromium``) and the playwright package; CI installs both, elsewhere
the test is skipped when chromium is missing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.run.runner import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI must install chromium for the browser test", pytrace=False)
    pytest.skip("chromium is not installed", allow_module_level=True)

HOSTILE_CHANNEL = "<script>alert(1)</script>"
HOSTILE_REGION = "<img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A report whose data carry names that would run as script if they were not escaped."""
    folder = tmp_path_factory.mktemp("hostile")
    dates = pd.date_range("2024-01-01", "2025-12-31", freq="7D")
    rows = []
    for i, day in enumerate(dates):
        for channel, region in ((HOSTILE_CHANNEL, HOSTILE_REGION), ("Direct & Co <b>", "East")):
            rows.append(
                {"date": day.date().isoformat(), "channel": channel, "region": region,
                 "product_line": "Ball valves", "product": "Floating ball valve",
                 "customer": "A & B <c>", "quantity": 1 + i % 5, "revenue": 100.0 * (1 + i % 7)}
            )  # fmt: skip
    pd.DataFrame(rows).to_csv(folder / "sales.csv", index=False)
    (folder / "run.yaml").write_text(
        "sales: sales.csv\ndata_through: 2025-12-31\n", encoding="utf-8"
    )
    out = folder / "reports"
    run("2025Q4", config=folder / "run.yaml", out=out)
    return out


def _open(url: str) -> dict:
    """Load a page with every non-file request blocked; return what the browser saw."""
    seen: dict = {"requests": [], "failed": [], "console": [], "dialogs": [], "errors": []}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()

        def route(r):
            seen["requests"].append(r.request.url)
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("requestfailed", lambda r: seen["failed"].append(r.url))
        page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.goto(url, wait_until="load")
        seen["title"] = page.title()
        seen["text"] = page.inner_text("body")
        seen["images"] = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
        )
        browser.close()
    return seen


@pytest.mark.parametrize("page", ["2025Q4/overview.html", "2025Q4/index.html", "index.html"])
def test_page_is_self_contained_and_safe(hostile_report, page):
    seen = _open((hostile_report / page).as_uri())
    outside = [u for u in seen["requests"] if not u.startswith(("file:", "data:"))]
    assert outside == []
    assert seen["failed"] == [] and seen["console"] == [] and seen["errors"] == []
    assert seen["dialogs"] == []  # no alert() ran


def test_overview_shows_names_as_text_and_draws_charts(hostile_report):
    seen = _open((hostile_report / "2025Q4" / "overview.html").as_uri())
    assert HOSTILE_CHANNEL in seen["text"]
    assert "Direct & Co <b>" in seen["text"]
    assert "Revenue in 2025Q4 was" in seen["text"]
    assert seen["images"] and all(seen["images"])
    assert "import " not in seen["text"]
    assert seen["title"].endswith("2025Q4 · Quarterly overview")
