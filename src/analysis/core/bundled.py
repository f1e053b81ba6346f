"""Files the package ships: the report notebooks and the sample company's data.

In a source checkout ``analysis/bundled/`` links to ``notebooks/`` and ``data/sample/`` at the
project root (analysts open them there); a built wheel carries copies of both, so an installed
package runs reports without the checkout.
"""

from __future__ import annotations

from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[1] / "bundled"
#: The package's own folder: the git revision of a source checkout is read from here.
PACKAGE_DIR = BUNDLED.parent


def notebooks_dir() -> Path:
    """The folder of the report notebooks (``overview.ipynb``, ...)."""
    return BUNDLED / "notebooks"


def sample_dir() -> Path:
    """The folder of the bundled sample company: ``config.yaml``, sales lines, targets."""
    return BUNDLED / "sample"
