"""Seeded sample data modelled on a Wenzhou valve maker: sales lines, quarterly targets, a config.

The sample gives every report and test a realistic company to run on: four channels and an online
shop without a target, seven domestic regions plus export, regional quotas for distributors, three
product lines, Spring Festival and year-end seasonality, the 2020 COVID slump, price changes,
product-mix shifts, returns, customers won and lost, two customers' quality claims and targets that
are missed for different reasons.
Everything is drawn from generators seeded by ``seed``, in a fixed order, so a seed always
gives the same frames and byte-identical files. The model is documented in ``data/README.md``.

This module seeds the draw and writes the files; the company is described in
``analysis.data.sample_company`` and drawn in ``analysis.data.sample_draw`` (its later additions,
the online shop and the regional quotas, in ``analysis.data.sample_later``, and the customers who
leave and the quality claims in ``analysis.data.sample_customers``), so that none is too
long to read at once.

The CSV files are written as they are, not through :func:`analysis.core.csv_out.write_csv`: they
are inputs, which the loader reads back as text is written (an apostrophe in a customer's export
is part of the name), so a neutralised name would load with its apostrophe. They are safe to open
in a spreadsheet all the same: the sample's names are constants, none begins with a character a
spreadsheet evaluates, and :func:`write_sample` refuses to write one that does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.csv_out import formula_cells
from analysis.data.sample_company import CALENDAR, CHANNEL_NAMES, SALES_COLUMNS
from analysis.data.sample_customers import hand_over, quality_claims, story_generator
from analysis.data.sample_draw import (
    draw_customers,
    draw_model,
    draw_returns,
    draw_sales_lines,
    draw_targets,
)
from analysis.data.sample_later import draw_online, regional_quotas

DEFAULT_SEED = 25

CONFIG_YAML = """\
# Run configuration for the bundled sample company (a valve maker). Paths are relative to this file.
company: Sample Valve Co.
sales:
  path: sales_lines.csv
  columns: {date: order_date, revenue: net_amount}
targets:
  path: targets.csv
fiscal_year_start_month: 1
currency: CNY
"""


@dataclass(frozen=True)
class SampleData:
    """The generated company: sales lines (CSV columns) and targets per quarter and channel."""

    sales: pd.DataFrame
    targets: pd.DataFrame


def generate(
    seed: int = DEFAULT_SEED, first: str = "2019Q1", last: str = "2025Q4", scale: float = 1.0
) -> SampleData:
    """Sales lines for quarters ``first``..``last``; targets up to the quarter after ``last``.

    ``scale`` multiplies the company's size: revenue, targets and the number of lines (scale 1,
    the bundled sample, has 48,290 lines; about 21 gives a million), for trying the workbench
    on more data. Prices, mix and seasonality stay the same.
    """
    first_q, last_q = CALENDAR.parse(first), CALENDAR.parse(last)
    if last_q < first_q:
        raise ValueError(f"last quarter {last} is before first quarter {first}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    # The model runs one quarter past the data: targets for it exist before its sales do.
    days = pd.date_range(CALENDAR.start(first_q), CALENDAR.end(last_q + 1), freq="D")
    last_day = CALENDAR.end(last_q)
    rng = np.random.default_rng(seed)
    model = draw_model(days, rng)
    if scale != 1:
        model = replace(model, revenue=model.revenue * scale)
    customers = draw_customers(rng)
    sales = draw_sales_lines(model, customers, last_day, rng)
    returns = draw_returns(sales, last_day, rng)
    story = story_generator(seed)
    sales, returns = hand_over(sales, returns, customers, story)
    claims = quality_claims(sales, returns, customers, last_day, story)
    own_prices = model.price_index[CHANNEL_NAMES.index("Own brand direct")]
    online = draw_online(model.days, own_prices, last_day, seed, scale)
    sales = pd.concat([sales, returns, claims, online], ignore_index=True)
    sales = sales.sort_values(["order_date", "order_id", "line"], kind="stable")
    sales = sales.drop(columns="line").reset_index(drop=True)
    targets = regional_quotas(draw_targets(sales, model, rng), sales)
    return SampleData(sales=sales[list(SALES_COLUMNS)], targets=targets)


def write_sample(
    out_dir: str | Path, seed: int = DEFAULT_SEED, scale: float = 1.0, parquet: bool = False
) -> list[Path]:
    """Write ``sales_lines.csv`` (or ``.parquet``), ``targets.csv`` and ``config.yaml``;
    byte-identical for a seed and scale."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = generate(seed, scale=scale)
    lines = "sales_lines.parquet" if parquet else "sales_lines.csv"
    paths = [out / lines, out / "targets.csv", out / "config.yaml"]
    csv_options = {"index": False, "float_format": "%.2f", "lineterminator": "\n"}
    for frame in (data.targets,) if parquet else (data.sales, data.targets):
        for column, text in formula_cells(frame)[:1]:
            raise ValueError(f"sample data: {column} {text!r} would be a spreadsheet formula")
    if parquet:
        data.sales.to_parquet(paths[0], index=False)
    else:
        data.sales.to_csv(paths[0], date_format="%Y-%m-%d", encoding="utf-8", **csv_options)
    data.targets.to_csv(paths[1], encoding="utf-8", **csv_options)
    paths[2].write_bytes(CONFIG_YAML.replace("sales_lines.csv", lines).encode("utf-8"))
    return paths
