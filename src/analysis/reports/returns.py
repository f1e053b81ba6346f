"""The returns page's numbers, words and charts, and ``returns.csv``.

Everything comes from :func:`analysis.quality.returns.returns` on the review's quarter; this
module words it (which test flags an outlier, at what level, why small counts are not flagged),
shapes the tables a manager reads and writes the CSV once its figures add up.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from pandas.io.formats.style import Styler

from analysis.core.cents import from_cents
from analysis.core.csv_out import write_csv
from analysis.core.i18n import N_, _, n_
from analysis.core.parameters import Parameter
from analysis.quality.outliers import LEVEL, MIN_RETURNS
from analysis.quality.returns import Returns, returns
from analysis.reports import present, style
from analysis.reports.review import COMMON, Review
from analysis.targets.attainment import attainment

#: The share of flagged rates that may be false alarms (Benjamini-Hochberg), a notebook parameter.
FDR = Parameter(
    "fdr", float, "false discovery rate of the test for abnormal return rates",
    low=0.001, high=0.2,
)  # fmt: skip
#: The returns notebook's parameters.
PARAMETERS = (
    *COMMON,
    FDR,
    Parameter(
        "output_dir", str, "folder for returns.csv, empty to write nothing", run_owned=True
    ),
)  # fmt: skip

#: Said under the charts when no CJK font is installed (``_()`` where shown).
NO_FONT = N_("No Chinese font is installed: Chinese names in charts may show as boxes.")
#: Above the table of customers' product lines flagged as abnormal.
CELLS_HEADING = N_("Customers' product lines with abnormally high returns")
#: Customers shown by name: the flagged ones, then those with most returned value.
TOP_CUSTOMERS = 12
#: Column labels of the page's tables (translated where shown).
LABELS = {
    "channel": N_("Channel"),
    "product_line": N_("Product line"),
    "product": N_("Product"),
    "customer": N_("Customer"),
    "gross": N_("Gross sales"),
    "returned": N_("Returned"),
    "rate": N_("Return rate"),
    "units": N_("Units returned / bought"),
    "unit_rate": N_("Unit return rate"),
    "returns": N_("Returns"),
    "past_rate": N_("Return rate, four quarters before"),
    "reference_rate": N_("Unit rate compared with"),
    "finding": N_("Finding"),
    "main_line": N_("Most returns on"),
}
MONEY = ("gross", "returned")
PERCENT = ("rate", "unit_rate", "past_rate", "reference_rate")
#: What the test found for a product or customer, in the CSV and (translated) on the page.
FINDINGS = {
    "high": N_("abnormally high"),
    "normal": N_("within the usual spread"),
    "few": N_("too few returns to judge"),
    "none": N_("no returns"),
    "untested": N_("not tested (no sales)"),
}
#: ``returns.csv``'s columns, in order (README documents each).
CSV_COLUMNS = (
    "quarter", "level", "channel", "product_line", "product", "customer", "gross_sales",
    "returned", "return_rate", "gross_units", "returned_units", "unit_return_rate", "returns",
    "past_return_rate", "past_unit_return_rate", "reference_unit_rate",
    "p_value", "q_value", "finding",
)  # fmt: skip


def analyse_review(review: Review, fdr: float = LEVEL) -> Returns:
    """The quarter's returns for a :class:`~analysis.reports.review.Review`."""
    FDR.check(fdr)
    sales = review.dataset.sales
    return returns(sales, review.quarter, calendar=review.calendar, coverage=review.coverage,
                   level=fdr)  # fmt: skip


def finding(frame: pd.DataFrame) -> np.ndarray:
    """The key of :data:`FINDINGS` for each row of a product or customer table."""
    return np.select(
        [
            frame["flagged"].to_numpy(dtype=bool),
            frame["p_value"].isna().to_numpy(),
            (frame["returns"] == 0).to_numpy(),
            (frame["returns"] < MIN_RETURNS).to_numpy(),
        ],
        ["high", "untested", "none", "few"],
        default="normal",
    )


def heading(quarter: str) -> str:
    return _("{quarter}: returns in one paragraph").format(quarter=quarter)


def headline(ret: Returns, currency: str) -> str:
    """The quarter's returns in one sentence, against the four quarters before."""
    company = ret.company
    if not company["gross"]:
        return _("No gross sales in {quarter}: no return rate.").format(quarter=ret.quarter)
    text = _(
        "In {quarter} {returned} came back of {gross} gross sales: a return rate of {rate} "
        "({unit_rate} of units, in {returns} returns)."
    ).format(
        quarter=ret.quarter,
        returned=present.money(from_cents(company["returned"]), currency),
        gross=present.money(from_cents(company["gross"]), currency),
        rate=present.percent(company["rate"]),
        unit_rate=present.percent(company["unit_rate"]),
        returns=f"{int(company['returns']):,}",
    )
    if ret.past and pd.notna(company["past_rate"]):
        text += " " + _("Over the four quarters before ({first} to {last}) it was {rate}.").format(
            first=ret.past[0], last=ret.past[-1], rate=present.percent(company["past_rate"])
        )
    return text


def findings(ret: Returns) -> list[str]:
    """One sentence per kind of peer: which are abnormally high, or that none is."""
    out = []
    for kind, words in (("products", _("products")), ("customers", _("customers"))):
        flagged = ret.flagged(kind)
        if flagged.empty:
            out.append(_("No {what} had an abnormally high return rate.").format(what=words))
            continue
        names = _(", ").join(
            _("{name} ({rate} of units against {reference})").format(
                name=row[kind[:-1]],
                rate=present.percent(row["unit_rate"]),
                reference=present.percent(row["reference_rate"]),
            )
            for _i, row in flagged.iterrows()
        )
        out.append(
            n_(
                "{n} of the {what} had an abnormally high return rate: {names}.",
                "{n} of the {what} had abnormally high return rates: {names}.",
                len(flagged),
            ).format(n=len(flagged), what=words, names=names)
        )
    cells = ret.flagged("cells")
    if len(cells):
        names = _(", ").join(
            _("{name} on {line} ({rate} of units against {reference} at other customers)").format(
                name=row["customer"],
                line=row["product_line"],
                rate=present.percent(row["unit_rate"]),
                reference=present.percent(row["reference_rate"]),
            )
            for _i, row in cells.iterrows()
        )
        out.append(
            n_(
                "Abnormally high returns of one customer on one product line: {names}.",
                "Abnormally high returns of {n} customers on one product line each: {names}.",
                len(cells),
            ).format(n=len(cells), names=names)
        )
    return out


def method(ret: Returns) -> str:
    """How outliers are found, in words: the test, its level and the rule for small counts."""
    return _(
        "A product, a customer or a customer's product line is flagged when its returned units "
        "are more than its gross units explain at the rate of the others (the rest of the "
        "company for a product, the rest of its channel for a customer, the same product line "
        "at all other customers): a one-sided test comparing the two rates, with returned units "
        "scaled by the average size of a return so that one large return counts as one event "
        "(scaled Poisson), and the false discovery rate held at {level} within each table by "
        "the Benjamini-Hochberg procedure. Fewer than {few} returns are never flagged, however "
        "large: a small customer with one return is not an outlier."
    ).format(level=present.percent(ret.level), few=MIN_RETURNS)


def product_rows(ret: Returns) -> pd.DataFrame:
    """Every product: its rates now and before, the rate it is tested against, the finding."""
    return _shown(ret.products, ["product_line", "product"])


def customer_rows(ret: Returns, top: int = TOP_CUSTOMERS) -> pd.DataFrame:
    """The flagged customers, then those with most returned value, ``top`` rows at most."""
    table = ret.customers.assign(_f=ret.customers["flagged"].astype(int))
    table = table.sort_values(["_f", "returned"], ascending=[False, False], kind="stable")
    table = table.loc[table["returned"] > 0].head(max(top, int(table["_f"].sum())))
    return _shown(table.drop(columns="_f"), ["channel", "customer"], main_line=True)


def cell_rows(ret: Returns) -> pd.DataFrame:
    """The customers' product lines flagged as abnormal, highest unit rate first."""
    return _shown(ret.flagged("cells"), ["channel", "customer", "product_line"])


def channel_rows(ret: Returns) -> pd.DataFrame:
    """Each channel and the company: gross sales, returned value and rates."""
    frame = _shown(ret.channels.assign(flagged=False, p_value=np.nan), ["channel"])
    frame["channel"] = frame["channel"].replace({"Total": _("Total")})
    return frame.drop(columns=["finding", "reference_rate"])


def _shown(frame: pd.DataFrame, keys: list[str], main_line: bool = False) -> pd.DataFrame:
    out = frame[keys].copy()
    out["gross"] = from_cents(frame["gross"].to_numpy(dtype="int64"))
    out["returned"] = from_cents(frame["returned"].to_numpy(dtype="int64"))
    out["rate"] = frame["rate"].to_numpy()
    out["units"] = [
        f"{present.count(r)} / {present.count(g)}"
        for r, g in zip(frame["returned_units"], frame["gross_units"], strict=True)
    ]
    out["unit_rate"] = frame["unit_rate"].to_numpy()
    out["returns"] = frame["returns"].to_numpy()
    out["past_rate"] = frame["past_rate"].to_numpy()
    out["reference_rate"] = frame.get("reference_rate", pd.Series(np.nan, frame.index)).to_numpy()
    out["finding"] = [_(FINDINGS[k]) for k in finding(frame)]
    if main_line:
        out["main_line"] = frame["main_line"].fillna("–").to_numpy()
    return out.reset_index(drop=True)


def labels() -> dict[str, str]:
    """:data:`LABELS` in the report's language."""
    return {k: _(v) for k, v in LABELS.items()}


def table(rows: pd.DataFrame, currency: str) -> Styler:
    """One of the page's tables, formatted and escaped, its headers in the report's language."""
    return present.table(
        rows,
        currency,
        money_columns=[c for c in MONEY if c in rows.columns],
        percent_columns=[c for c in PERCENT if c in rows.columns],
        labels=labels(),
    )


def trend_table(ret: Returns) -> pd.DataFrame:
    """Return rate (value) per product line and the company (rows), per quarter (columns)."""
    wide = ret.trend.pivot_table(index="product_line", columns="quarter", values="rate",
                                 sort=True)  # fmt: skip
    order = [i for i in wide.index if i != "Total"] + (["Total"] if "Total" in wide.index else [])
    wide = wide.loc[order].rename(index={"Total": _("Company")}).rename_axis("product_line")
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()


def trend_chart(ret: Returns) -> Figure:
    """Return rate per quarter: one line per product line, the company's in bold."""
    wide = trend_table(ret).set_index("product_line")
    style.use()
    fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
    styles = ("-", "--", ":", "-.")
    company = _("Company")
    for i, (name, row) in enumerate(wide.iterrows()):
        bold = name == company
        ax.plot(list(wide.columns), row.to_numpy(dtype="float64"), marker="o",
                linestyle="-" if bold else styles[i % len(styles)],
                linewidth=2.6 if bold else 1.2, color="black" if bold else None,
                label=str(name))  # fmt: skip
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.set_ylim(bottom=0)
    ax.set_title(_("Return rate by quarter (returned value ÷ gross sales)"), loc="left")
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def long_table(ret: Returns) -> pd.DataFrame:
    """``returns.csv``: one row per channel (and ``Total``), product, customer and customer x
    product line."""
    parts = []
    for level, frame in (("channel", ret.channels), ("product", ret.products),
                         ("customer", ret.customers),
                         ("customer_product_line", ret.cells)):  # fmt: skip
        part = frame.copy()
        part["level"] = level
        part["finding"] = [FINDINGS[k] for k in finding(part)] if level != "channel" else ""
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    long["quarter"] = ret.quarter
    long = long.rename(
        columns={
            "rate": "return_rate",
            "unit_rate": "unit_return_rate",
            "past_rate": "past_return_rate",
            "past_unit_rate": "past_unit_return_rate",
            "reference_rate": "reference_unit_rate",
        }
    )
    long["gross_sales"] = from_cents(long["gross"].to_numpy(dtype="int64"))
    long["returned"] = from_cents(long["returned"].to_numpy(dtype="int64"))
    for col in ("channel", "product_line", "product", "customer"):
        long[col] = long[col].fillna("").astype(str) if col in long else ""
    return long[list(CSV_COLUMNS)]


def against_channels(review: Review, ret: Returns) -> pd.DataFrame:
    """Each channel's gross sales minus returns against its actual in the attainment table
    (``difference`` is 0 when they reconcile to the cent)."""
    data = review.dataset
    table = attainment(data.sales, data.targets, review.quarter, calendar=review.calendar,
                       coverage=review.coverage).cents  # fmt: skip
    table = table.loc[table["level"] == "channel"]
    mine = ret.channels.iloc[:-1].set_index("channel")["net"]
    frame = pd.DataFrame({"returns_page": mine, "attainment": table.set_index("channel")["actual"]})
    frame = frame.fillna(0).astype("int64")
    frame["difference"] = frame["returns_page"] - frame["attainment"]
    return frame.rename_axis("channel").reset_index()


def write(ret: Returns, folder: Path) -> Path:
    """Write ``returns.csv`` into ``folder`` once the customers add up to their channels and the
    channels and products to the company, to the cent."""
    check = ret.reconciliation()
    if check["difference"].any():
        raise AssertionError(f"returns do not add up:\n{check.loc[check['difference'] != 0]}")
    path = Path(folder) / "returns.csv"
    write_csv(long_table(ret), path)
    return path
