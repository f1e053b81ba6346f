"""Executed notebooks to HTML that a manager reads: no code, no prompts, no parameter cells, no CDN.

The page uses the ``report`` template in ``templates/``: the lab template's structure with our own
lean stylesheet (``report.css``) and nothing loaded from the network. Navigation and footer are
HTML made by the caller, already escaped. The page speaks the current language
(:mod:`analysis.core.i18n`): each markdown cell is looked up in the message catalog by its text,
and ``<html lang>`` says which language the page is in.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from analysis.core import i18n, notebook_messages
from analysis.core.i18n import _

TEMPLATES = Path(__file__).parent / "templates"
HIDDEN_TAGS = {"parameters", "injected-parameters", "hide"}
_CONTENTS = "<!-- report-contents -->"  # where the template wants the list of sections
#: ``<html lang>`` of each language (BCP 47: Chinese in simplified characters).
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
_HTML_TAG = re.compile(r"<html[^>]*>")
_SECTION = re.compile(r'<h2 id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)


def to_html(
    notebook: nbformat.NotebookNode,
    title: str,
    *,
    nav_html: str = "",
    footer_html: str = "",
) -> str:
    """Render an executed notebook as a self-contained page for readers who never open notebooks."""
    nb = copy.deepcopy(notebook)
    nb.metadata["title"] = title
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = notebook_messages.markdown(cell.source)
        if cell.cell_type == "code":
            # Warnings and log lines go to the executed notebook, not to the manager's page.
            cell.outputs = [
                out
                for out in cell.get("outputs", [])
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True), enabled=True
    )
    body, _resources = exporter.from_notebook_node(
        nb, resources={"report_nav": nav_html, "report_footer": footer_html}
    )
    # nbconvert's language_code takes ISO 639-1 codes only (zh, never zh-Hans): set it here
    lang = HTML_LANG[i18n.language()]
    body = _HTML_TAG.sub(f'<html lang="{lang}">', body, count=1)
    return _with_contents(body)


def _with_contents(page: str) -> str:
    """Add links to the page's sections (its ``##`` headings) after the navigation bar."""
    sections = _SECTION.findall(page)
    if len(sections) < 2:
        return page.replace(_CONTENTS, "", 1)
    links = " · ".join(f"<a href='#{anchor}'>{title.strip()}</a>" for anchor, title in sections)
    label = html.escape(_("Sections:"))
    return page.replace(_CONTENTS, f"<nav class='report-contents'>{label} {links}</nav>", 1)
