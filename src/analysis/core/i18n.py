"""The language a report speaks: English by default, Simplified Chinese with ``language: zh``.

Every text a reader sees is written in English inside ``_()`` (``n_()`` when it depends on a
count) and looked up in a gettext message catalog, ``analysis/locale/<language>/LC_MESSAGES/
messages.po``, read with Babel. Text kept in constants (column labels) is marked with ``N_()`` so
that extraction finds it, and translated with ``_()`` where it is shown. Placeholders are named
and filled after translation: ``_("{missed} of {channels} channels missed").format(...)``.

``make catalog`` extracts the messages (``babel.cfg``) and merges them into each catalog; a test
fails when a message has no translation. The language is set once per process or context
(``use()`` in a notebook's kernel, ``speaking()`` around the runner's own pages); the catalog of
a language is read once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

#: The languages a report can be written in; the first is the default.
LANGUAGES = ("en", "zh")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_language: ContextVar[str] = ContextVar("language", default=LANGUAGES[0])


def check(language: str) -> str:
    """The language if the workbench speaks it, else a ``ValueError`` naming the choices."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def use(language: str) -> None:
    """Speak ``language`` from now on in this context (a notebook's kernel)."""
    _language.set(check(language))


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block only (pages the runner writes itself)."""
    token = _language.set(check(language))
    try:
        yield
    finally:
        _language.reset(token)


def language() -> str:
    return _language.get()


@cache
def catalog(language: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid (a plural's singular) → translation (a plural's forms), for every translated message
    of a language."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language)
    # a plural message is found by its singular, as n_() asks for it
    return {
        (message.id[0] if isinstance(message.id, tuple) else message.id): message.string
        for message in messages
        if message.id and message.string and not message.fuzzy
    }


def _(message: str) -> str:
    """``message`` in the current language (the English text itself when it has no translation)."""
    if language() == LANGUAGES[0]:
        return message
    found = catalog(language()).get(message)
    return found if isinstance(found, str) else message


def n_(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the current language (Chinese has one form)."""
    english = singular if n == 1 else plural
    if language() == LANGUAGES[0]:
        return english
    found = catalog(language()).get(singular)
    if isinstance(found, tuple) and found and found[0]:
        return found[0]
    return english


def N_(message: str) -> str:
    """Marks ``message`` for the catalog without translating it (constants; ``_()`` shows it)."""
    return message
