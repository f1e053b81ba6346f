"""A font with Chinese glyphs for chart text, found once per machine.

Matplotlib's default sans-serif has no Chinese glyphs: channel and product names such as 抖音直播
would be drawn as boxes. The CJK font (if any) is found among matplotlib's fonts, else among the
system's font files; :func:`analysis.reports.style.use` makes it back up the default
sans-serif in every report chart.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable

from matplotlib import font_manager

#: Font families with Chinese glyphs, most preferred first (sans-serif before serif).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Source Han Sans",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "Arial Unicode MS",
)
#: File names of such fonts (for fonts installed after matplotlib built its font cache).
_CJK_FILES = re.compile(
    r"(notosanscjk|sourcehansans|notosanssc|wqy|wenquanyi|msyh|simhei|pingfang|hiragino"
    r"|notoserifcjk|sourcehanserif|simsun)",
    re.IGNORECASE,
)


def pick_cjk_family(available: Iterable[str]) -> str | None:
    """The preferred CJK family among ``available`` family names, or None."""
    names = set(available)
    for family in CJK_FAMILIES:
        if family in names:
            return family
    others = sorted(n for n in names if "CJK" in n.upper())
    return others[0] if others else None


def cjk_font_files(paths: Iterable[str]) -> list[str]:
    """Font files whose names mark them as CJK fonts: sans-serif before serif, regular first."""
    found = [p for p in paths if _CJK_FILES.search(os.path.basename(p))]

    def order(path: str) -> tuple[bool, bool, str]:
        name = os.path.basename(path).lower()
        return ("serif" in name, "bold" in name, path)

    return sorted(found, key=order)


def find_cjk_font(
    available: Iterable[str] | None = None,
    files: Iterable[str] | None = None,
    register: Callable[[str], str | None] | None = None,
) -> str | None:
    """A font family with Chinese glyphs: from matplotlib's known fonts, else from font files.

    ``available`` defaults to the families matplotlib knows, ``files`` to the system's font files;
    ``register`` adds a file to matplotlib and returns its family name. Every CJK file is
    registered (so that bold faces exist too); the first one that loads names the family.
    """
    if available is None:
        available = {f.name for f in font_manager.fontManager.ttflist}
    family = pick_cjk_family(available)
    if family:
        return family
    if files is None:
        files = font_manager.findSystemFonts()
    register = register or _register
    names = [register(path) for path in cjk_font_files(files)]
    return next((name for name in names if name), None)


def _register(path: str) -> str | None:
    try:
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name()
    except (OSError, RuntimeError, ValueError):
        return None


@functools.cache
def cjk_font() -> str | None:
    """The CJK font used for chart text on this machine, or None when none is installed."""
    return find_cjk_font()
