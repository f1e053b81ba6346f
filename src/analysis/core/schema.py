"""Canonical column names of the two inputs: sales lines and quarterly targets.

Every loader maps a company's own headers onto these names; everything downstream uses only these.
"""

from __future__ import annotations

from analysis.core.i18n import N_

SALES_REQUIRED: tuple[str, ...] = (
    "date",
    "channel",
    "region",
    "product_line",
    "product",
    "customer",
    "quantity",
    "revenue",
)
SALES_OPTIONAL: tuple[str, ...] = ("order_id", "unit_price", "salesperson")

TARGETS_REQUIRED: tuple[str, ...] = ("quarter", "channel", "target_revenue")
TARGETS_OPTIONAL: tuple[str, ...] = ("target_quantity",)

#: Sales dimensions by which a target may be set more finely than per channel.
TARGET_DIMENSIONS: tuple[str, ...] = (
    "region",
    "product_line",
    "product",
    "customer",
    "salesperson",
)

#: Text columns of sales lines that identify a segment (the axes of every table).
SALES_DIMENSIONS: tuple[str, ...] = ("channel", "region", "product_line", "product", "customer")

#: The dimensions as a sentence names them (translated where shown: ``_(DIMENSION_WORDS[d])``).
DIMENSION_WORDS: dict[str, str] = {
    "channel": N_("channel"),
    "region": N_("region"),
    "product_line": N_("product line"),
    "product": N_("product"),
    "customer": N_("customer"),
    "salesperson": N_("salesperson"),
}
#: The same as column headings.
DIMENSION_HEADINGS: dict[str, str] = {
    "channel": N_("Channel"),
    "region": N_("Region"),
    "product_line": N_("Product line"),
    "product": N_("Product"),
    "customer": N_("Customer"),
    "salesperson": N_("Salesperson"),
}
