"""Shared fixtures: small, hand-checkable inputs, and a throwaway PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from postgres_server import Server, server_binaries


@pytest.fixture
def sales_frame() -> pd.DataFrame:
    """Six good sales lines under canonical headers, as text (the way a CSV arrives)."""
    return pd.DataFrame(
        {
            "date": [
                "2025-01-05",
                "2025-02-10",
                "2025-03-31",
                "2025-04-01",
                "2025-05-20",
                "2025-06-30",
            ],
            "channel": ["Online", "Retail", "Online", "Retail", "Online", "Wholesale"],
            "region": ["East", "East", "West", "West", "East", "North"],
            "product_line": ["Tea", "Tea", "Coffee", "Coffee", "Tea", "Tea"],
            "product": ["Green", "Black", "Espresso", "Latte", "Green", "Green"],
            "customer": ["Acme", "Beta", "Acme", "Cato", "Beta", "Dora"],
            "quantity": ["3", "1", "2", "5", "4", "10"],
            "revenue": ["30.00", "12.50", "40.10", "75.00", "40.00", "95.55"],
        }
    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """A running PostgreSQL server (user ``admin``). Skipped where none is installed, except in CI
    (``CI`` set), which installs Debian's postgresql and must run these tests."""
    bindir = server_binaries()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("no PostgreSQL server installed; .ci/run installs Debian's postgresql")
        pytest.skip("no PostgreSQL server installed (Debian: apt-get install postgresql)")
    # not in pytest's temporary folder: that is private to us, and the server runs as postgres
    server = Server(bindir, Path(tempfile.mkdtemp(prefix="workbench-pg-")))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)
