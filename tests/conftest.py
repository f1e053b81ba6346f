"""Shared fixtures: small, hand-checkable inputs."""

from __future__ import annotations

import pandas as pd
import pytest


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
