"""The HTML a manager reads: no code, no parameters, no stderr, nothing loaded from the network."""

from __future__ import annotations

import re

import nbformat

from analysis.run.export import to_html


def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('config = "secret.yaml"', metadata={"tags": ["parameters"]})
    injected = nbformat.v4.new_code_cell(
        'config = "/srv/private/config.yaml"', metadata={"tags": ["injected-parameters"]}
    )
    shown = nbformat.v4.new_code_cell("print_the_table_code()")
    shown.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="visible output line\n"),
        nbformat.v4.new_output("stream", name="stderr", text="DeprecationWarning: noise\n"),
        nbformat.v4.new_output(
            "display_data", data={"text/html": "<p class='summary'>Revenue up</p>"}
        ),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title here"), params, injected, shown]
    return nb


def test_page_has_outputs_but_no_code_parameters_or_stderr():
    page = to_html(executed_notebook(), "Sample 2025Q4 · Overview", footer_html="Data: x.csv")
    assert "<title>Sample 2025Q4 · Overview</title>" in page
    assert "Title here" in page and "visible output line" in page and "Revenue up" in page
    assert "print_the_table_code" not in page
    assert "secret.yaml" not in page and "/srv/private" not in page
    assert "DeprecationWarning" not in page
    assert "Data: x.csv" in page


def test_page_loads_nothing_from_the_network():
    page = to_html(executed_notebook(), "t")
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)
    assert "cdnjs" not in page and "mathjax" not in page.lower()


def test_page_lists_its_sections():
    nb = executed_notebook()
    nb.cells += [nbformat.v4.new_markdown_cell("## Revenue by channel"),
                 nbformat.v4.new_markdown_cell("## About the data")]  # fmt: skip
    page = to_html(nb, "t")
    assert "Sections: <a href='#Revenue-by-channel'>Revenue by channel</a>" in page
    assert "<a href='#About-the-data'>About the data</a>" in page
    assert 'id="Revenue-by-channel"' in page
    assert "report-contents -->" not in page


def test_page_with_one_section_has_no_contents_line():
    page = to_html(executed_notebook(), "t")
    assert "Sections:" not in page and "report-contents -->" not in page
