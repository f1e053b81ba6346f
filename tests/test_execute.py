"""One notebook through papermill: what a caller sees while it runs."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat

from analysis.run.execute import execute


class Timed:
    """A text stream that notes when each piece of text arrived."""

    def __init__(self) -> None:
        self.parts: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        self.parts.append((time.monotonic(), text))
        return len(text)

    def flush(self) -> None:
        pass


def test_stderr_reaches_the_stream_while_the_notebook_runs(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import sys, time\n"
            "for step in range(3):\n"
            "    print(f'\\rforecasting {step + 1}/3', end='', file=sys.stderr, flush=True)\n"
            "    time.sleep(1)\n"
        ),
    ]
    source = tmp_path / "bar.ipynb"
    nbformat.write(nb, source)
    (tmp_path / "out").mkdir()
    stream = Timed()
    execute(source, tmp_path / "out" / "bar.ipynb", {}, 60, tmp_path / "failed", stream)
    finished = time.monotonic()
    steps = [(when, text) for when, text in stream.parts if "forecasting" in text]
    assert [text.strip("\r") for _, text in steps] == [f"forecasting {i}/3" for i in (1, 2, 3)]
    assert finished - steps[0][0] > 1.5  # the first step arrived long before the end
