"""Reconciliation on the sample data: base, bottom-up and MinT forecasts from rolling origins.

    python benchmarks/reconcile_sample.py

Forecasts of the bundled sample's hierarchy (total, channel, channel x region, channel x product
line and their bottom) 4 quarters ahead from 4 origins, scored per level and method, with the
coverage of the calibrated base widths and of hierarchicalforecast's normality intervals
(BENCHMARKS.md, "Reconciliation on the sample data").
"""

from __future__ import annotations

from analysis.forecasting.reconcile import backtest_hierarchy, build


def main() -> None:
    """The reconciliation backtest on the sample, as a Markdown table."""
    import time

    from analysis.data.load import load

    start = time.perf_counter()
    dataset = load()
    hierarchy = build(dataset.sales, dataset.config.calendar)
    table, _ = backtest_hierarchy(hierarchy, h=4, n_windows=4)
    normal, _ = backtest_hierarchy(hierarchy, h=4, n_windows=4, intervals="normality")
    table = table.merge(
        normal[["level", "method", "coverage-80", "coverage-95"]],
        on=["level", "method"],
        suffixes=("", " normality"),
    )
    sizes = ", ".join(f"{name} {len(ids)}" for name, ids in hierarchy.tags.items())
    print(f"sample data: {sizes} series; 4 origins, 4 quarters ahead")
    print(
        "| level | method | sMAPE | MASE | RMSSE | coverage 80 / 95 % (base widths) "
        "| coverage 80 / 95 % (normality) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in table.to_dict(orient="records"):
        print(
            f"| {r['level']} | {r['method']} | {r['smape']:.2f} | {r['mase']:.3f} "
            f"| {r['rmsse']:.3f} | {r['coverage-80']:.0%} / {r['coverage-95']:.0%} "
            f"| {r['coverage-80 normality']:.0%} / {r['coverage-95 normality']:.0%} |"
        )
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
