"""The one look of every report chart: fonts with the CJK fallback, money axes, quarter labels.

Every chart function calls :func:`use` before it draws, so a chart drawn anywhere (a notebook, the
runner's landing page, a test) has the same settings: names from the data are never read as TeX
(``$``), Chinese names are drawn with the CJK font when one is installed (:mod:`.fonts`), and
time axes read in quarters (``2025Q1``), a partial quarter marked ``*`` with a note under the
chart. :func:`png` turns a chart into the base64 PNG a page embeds.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from analysis.core.i18n import _
from analysis.reports import fonts, present

#: Hatches that tell series apart on a grey-scale printout.
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
#: The mark a partial quarter's label carries; the note under the chart says what it holds.
PARTIAL = "*"


def use() -> str | None:
    """Apply the report style to matplotlib's settings; returns the CJK font family or None.

    Changes the global rcParams (tick labels are drawn late, so a context would not reach them):
    glyphs missing from the sans-serif font are taken from the CJK font.
    """
    family = fonts.cjk_font()
    mpl.rcParams.update(
        {
            "text.parse_math": False,
            "font.family": ["sans-serif", family] if family else ["sans-serif"],
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titlesize": 11,
        }
    )
    return family


def money_axis(ax: Axes, currency: str, axis: str = "y") -> None:
    """Tick labels of ``axis`` as short money (``¥1.2 M``, in Chinese ``800万元``)."""
    formatter = FuncFormatter(lambda v, _pos: present.tick(v, currency))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def quarter_labels(labels: Sequence[str], partial: Mapping[str, str]) -> list[str]:
    """Quarter labels for a time axis, a partial quarter marked (``2019Q4*``)."""
    return [f"{label}{PARTIAL}" if label in partial else label for label in labels]


def partial_note(fig: Figure, partial: Mapping[str, str]) -> None:
    """Say under the chart what each marked quarter holds (``* 2019Q4: data from 2019-12-29``)."""
    if not partial:
        return
    text = "; ".join(
        _("{quarter}: {extent}").format(quarter=q, extent=what) for q, what in partial.items()
    )
    line = _("{mark} partial quarter: {quarters}").format(mark=PARTIAL, quarters=text)
    fig.text(0.01, 0.0, line, fontsize=7, ha="left", va="bottom", style="italic")


def thin_ticks(ax: Axes, positions: Sequence[object], labels: Sequence[str], most: int) -> None:
    """Quarter ticks on a time axis, at most ``most`` of them (every n-th, the last kept)."""
    step = max(1, -(-len(positions) // most))
    keep = list(range(len(positions) - 1, -1, -step))[::-1]
    ax.set_xticks([positions[i] for i in keep], [labels[i] for i in keep])


def png(fig: Figure) -> str:
    """The chart as base64 PNG (closed afterwards)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
