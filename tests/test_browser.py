"""The published report in a real headless browser with the network blocked.

Checks what a manager's browser does with the page: nothing requested from the network, no script
errors, charts drawn, and hostile names from the data shown as text, never run. The sample's
review is looked at as a manager would, at 1280 px (a laptop) and 390 px (a phone), in every
language the run speaks: the landing page's first screen answers, no page scrolls sideways, no
internal name shows, and printing gives A4 pages without navigation. Screenshots go to
``$SCREENSHOTS`` when it is set (for a person to look at). Needs Debian's chromium (``apt-get
install chromium``) and the playwright package; CI installs both, elsewhere the test is skipped
when chromium is missing.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.core import i18n
from analysis.run.runner import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("CI must install chromium for the browser test", pytrace=False)
    pytest.skip("chromium is not installed", allow_module_level=True)

#: The languages the browser test reads the sample's review in: every one the run can write.
LANGUAGES = i18n.LANGUAGES
WIDTHS = (1280, 390)
PAGES = ("index.html", "2025Q4/index.html", "2025Q4/overview.html", "2025Q4/target_miss.html",
         "2025Q4/forecast.html")  # fmt: skip
#: Internal names and raw values that must not show in a page's visible text.
INTERNAL = ("Has target", "True", "False", "unique_id", "mint_shrink", "bottom_up", "lo-80",
            "hi-95", "coverage_80", "coverage-80", "product_line", "channel/region", "RMSSE",
            "Level: ", "Reference: ")  # fmt: skip
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


@pytest.fixture(scope="module", params=LANGUAGES)
def sample_report(request, tmp_path_factory) -> tuple[str, Path]:
    """The bundled sample's 2025Q4 review in one language, as a run publishes it."""
    out = tmp_path_factory.mktemp(f"sample-{request.param}")
    language = {} if request.param == "en" else {"language": request.param}
    run("2025Q4", out=out, **language)
    return request.param, out


def _browser(p):
    return p.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run"],
    )  # fmt: skip


def _look(folder: Path, page: str, width: int, language: str) -> dict:
    """A page at ``width`` px as a reader sees it: its width, the first screen, the visible text
    (closed sections excluded); a full-page screenshot, kept in ``$SCREENSHOTS`` if set."""
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        view = browser.new_page(viewport={"width": width, "height": 900})
        view.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                   else r.abort())  # fmt: skip
        view.goto((folder / page).as_uri(), wait_until="load")
        seen = view.evaluate(
            """() => ({
                scrollWidth: document.documentElement.scrollWidth,
                scrollHeight: document.documentElement.scrollHeight,
                text: document.body.innerText,
                tiles: [...document.querySelectorAll('.tile')].map(t => ({
                    text: t.innerText, bottom: t.getBoundingClientRect().bottom})),
            })"""
        )
        shot = view.screenshot(full_page=True)
        browser.close()
    seen["shot"] = shot
    keep = os.environ.get("SCREENSHOTS")
    if keep:
        name = f"{language}-{page.replace('/', '-').removesuffix('.html')}-{width}.png"
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / name).write_bytes(shot)
    return seen


def _png_width(png: bytes) -> int:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_at_laptop_and_phone_width(sample_report, page, width):
    language, folder = sample_report
    seen = _look(folder, page, width, language)
    # no page-level horizontal scrolling: wide tables scroll inside their own box
    assert seen["scrollWidth"] <= width
    assert _png_width(seen["shot"]) == width
    shown = [name for name in INTERNAL if name in seen["text"]]
    assert shown == [], f"{page} shows internal names: {shown}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_landing_page_answers_on_the_first_screen(sample_report, width):
    language, folder = sample_report
    seen = _look(folder, "2025Q4/index.html", width, language)
    tiles = seen["tiles"]
    # revenue, attainment, the biggest miss, next quarter's outlook
    assert len(tiles) == 4
    if width == 1280:  # a laptop: the whole page is one screen
        assert seen["scrollHeight"] <= 900
        assert all(t["bottom"] <= 900 for t in tiles)
    else:  # a phone: the tiles come first, one under the other
        assert seen["text"].index(tiles[0]["text"].split("\n")[0]) < 200
    if language == "en":
        text = seen["text"]
        for shown in (
            "Revenue 2025Q4",
            "on a year earlier",
            "Attainment of target",
            "Biggest miss",
            "Export",
            "Forecast 2026Q1",
            "80 % interval",
        ):
            assert shown in text, shown  # fmt: skip


def test_printing_gives_a4_pages_without_navigation(sample_report):
    _language, folder = sample_report
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        view = browser.new_page()
        view.goto((folder / "2025Q4" / "target_miss.html").as_uri(), wait_until="load")
        view.emulate_media(media="print")
        hidden = view.eval_on_selector("nav.report-nav", "n => getComputedStyle(n).display")
        breaks = view.eval_on_selector_all(
            "h2", "hs => hs.map(h => getComputedStyle(h).breakBefore)"
        )
        pdf = view.pdf(prefer_css_page_size=True)
        browser.close()
    assert hidden == "none"
    assert breaks[0] != "page" and set(breaks[1:]) == {"page"}  # each later section on a new page
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 1
    # A4 (595 x 842 pt) on every page
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert boxes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)


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
