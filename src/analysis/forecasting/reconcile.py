"""Coherent forecasts across the sales hierarchy: channel forecasts that add up to the company's.

The hierarchy is the one ``series.hierarchy()`` reports (total → channel → channel × region and
channel × product line). Because regions and product lines cross inside each channel, the bottom
series are channel × region × product line; every other series is a sum of them (the summing
matrix ``S``). :func:`build` makes every series from the sales lines in integer cents.

:func:`forecast_hierarchy` forecasts every series with the default forecaster
(:class:`~analysis.forecasting.forecaster.Forecaster`, on the given backend) and reconciles them
with hierarchicalforecast:

``bottom_up``    forecast the bottom series, add them up (``BottomUp``)
``mint_shrink``  MinTrace with a shrunk covariance of the in-sample one-step errors
                 (``MinTrace(method="mint_shrink")``, Wickramasuriya et al. 2019): every level
                 informs every other; the default

Reconciled means add up exactly (to floating-point rounding) at every level. Each series keeps
the calibrated interval width of its base forecast around its reconciled mean (intervals do not
add up, and should not); each level is calibrated on its own refits (levels of fewer than
``MIN_GROUP_SERIES`` series together), as a total errs less, for its models' spread, than a
region's product line; ``intervals="normality"`` asks hierarchicalforecast to reconcile them
under normality instead, which covered too little on the sample data. When MinT cannot work (no
in-sample error variance: constant or all-zero series only), structural weights (``wls_struct``)
are used and the note says so. :func:`backtest_hierarchy` compares base, bottom-up and MinT
forecasts from rolling origins, per level; ``benchmarks/reconcile_sample.py`` runs it on the
sample data (BENCHMARKS.md, ``## Forecasting``).

Sales never go below zero, and neither do their coherent forecasts: MinT can push a small bottom
series below zero while its total stays positive, so every bottom series never below zero has
such means set to 0 and every series is added up again from its bottom series, its intervals
moved with its mean and cut at zero (:func:`~analysis.forecasting.censor.coherent_at_zero`; the
note says how many bottom series were cut). This keeps the forecasts exactly coherent, where
hierarchicalforecast's ``nonnegative`` MinT needs a quadratic program and base forecasts that
are already non-negative.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.quarters import FiscalCalendar
from analysis.data.series import DEFAULT_LEVELS, Coverage, quarterly, unique_ids
from analysis.forecasting import accuracy, censor
from analysis.forecasting.backends import Backend
from analysis.forecasting.forecaster import Forecaster

#: Reconciliation methods by name, and the name of the default.
METHODS = ("bottom_up", "mint_shrink")
DEFAULT_METHOD = "mint_shrink"
_BASE = "base"


@dataclass
class Hierarchy:
    """Every series of a hierarchy, how they add up, and which level each belongs to.

    ``frame``: ``unique_id, level, ds, y`` (all series over the same quarters; 0 before a series'
    first sale). ``S``: the summing matrix as hierarchicalforecast takes it (``unique_id`` column,
    one column per bottom series). ``tags``: level name → its ``unique_id`` values, top first.
    """

    frame: pd.DataFrame
    S: pd.DataFrame
    tags: dict[str, np.ndarray]

    @property
    def bottom(self) -> str:
        return list(self.tags)[-1]

    def level_of(self) -> pd.Series:
        """``unique_id`` → level name."""
        return pd.Series(
            {uid: name for name, ids in self.tags.items() for uid in ids}, name="level"
        )


def _level_name(dims: Sequence[str]) -> str:
    return "/".join(dims) if dims else "total"


def build(
    sales: pd.DataFrame,
    calendar: FiscalCalendar,
    levels: Sequence[Sequence[str]] = DEFAULT_LEVELS,
    coverage: Coverage | None = None,
) -> Hierarchy:
    """The hierarchy of ``levels`` (as ``series.hierarchy``) from sales lines, plus its bottom."""
    bottom_dims: list[str] = []
    for level in levels:
        bottom_dims += [d for d in level if d not in bottom_dims]
    bottom = quarterly(sales, calendar, by=bottom_dims, coverage=coverage)
    return from_bottom(bottom, bottom_dims, levels)


def from_bottom(
    bottom: pd.DataFrame, bottom_dims: Sequence[str], levels: Sequence[Sequence[str]]
) -> Hierarchy:
    """A hierarchy from bottom series (``ds, y`` and the ``bottom_dims`` columns).

    Each level in ``levels`` is a subset of ``bottom_dims``; the bottom level is added when it
    is not among them.
    """
    bottom_dims = list(bottom_dims)
    levels = [list(level) for level in levels]
    if bottom_dims not in levels:
        levels.append(bottom_dims)
    for level in levels:
        unknown = set(level) - set(bottom_dims)
        if unknown:
            raise ValueError(f"level {level} uses {sorted(unknown)}, not among {bottom_dims}")
    frame = bottom.copy()
    frame["bottom_id"] = unique_ids(frame, bottom_dims).to_numpy()
    wide = frame.pivot_table(
        index="ds", columns="bottom_id", values="y", aggfunc="sum", fill_value=0.0
    ).sort_index()
    bottom_ids = list(wide.columns)
    labels = frame.drop_duplicates("bottom_id").set_index("bottom_id")[bottom_dims]
    labels = labels.loc[bottom_ids]
    parts, rows, tags = [], [], {}
    seen: set[str] = set()
    for level in levels:
        name = _level_name(level)
        ids = unique_ids(labels, level).to_numpy()
        members = pd.Series(bottom_ids, index=bottom_ids).groupby(ids, sort=True)
        level_ids = []
        for uid, group in members:
            if uid in seen:
                raise ValueError(
                    f"series id {uid!r} appears at two levels; rename a dimension value"
                )
            seen.add(uid)
            level_ids.append(uid)
            rows.append(np.isin(bottom_ids, group.to_numpy()).astype("float64"))
            values = wide[group.to_numpy()].sum(axis=1)
            parts.append(
                pd.DataFrame(
                    {"unique_id": uid, "level": name, "ds": wide.index, "y": values.to_numpy()}
                )
            )
        tags[name] = np.array(level_ids, dtype=object)
    S = pd.DataFrame(np.vstack(rows), columns=bottom_ids)
    S.insert(0, "unique_id", [uid for ids in tags.values() for uid in ids])
    return Hierarchy(frame=pd.concat(parts, ignore_index=True), S=S, tags=tags)


def _reconcilers(methods: Sequence[str]) -> list[Any]:
    from hierarchicalforecast.methods import BottomUp, MinTrace

    made = []
    for method in methods:
        if method == "bottom_up":
            made.append(BottomUp())
        elif method == "mint_shrink":
            made.append(MinTrace(method="mint_shrink"))
        else:
            raise ValueError(f"unknown reconciliation method {method!r}; choose from {METHODS}")
    return made


def _column(method: str) -> str:
    return {
        "bottom_up": f"{_BASE}/BottomUp",
        "mint_shrink": f"{_BASE}/MinTrace_method-mint_shrink",
    }[method]


def forecast_hierarchy(
    hierarchy: Hierarchy,
    h: int,
    *,
    methods: Sequence[str] = (DEFAULT_METHOD,),
    include_base: bool = False,
    level: Sequence[int] = (80, 95),
    season_length: int = 4,
    intervals: str = "base",
    backend: Backend | None = None,
) -> pd.DataFrame:
    """Coherent forecasts of every series in ``hierarchy``, ``h`` quarters ahead.

    Returns ``unique_id, level, ds, method, mean, lo-*, hi-*, model, note, history``: one block
    of rows per reconciliation method (``bottom_up``, ``mint_shrink``), and the unreconciled
    forecasts as method ``base`` with ``include_base``. ``model``, ``note`` and ``history`` (the
    quarters of history) are those of each series' base forecast. Series never below zero get
    forecasts and bounds of zero or more, coherent (module doc).

    ``intervals``: ``base`` (default) keeps each series' calibrated base interval widths around
    its reconciled mean; ``normality`` has hierarchicalforecast reconcile them under normality
    with the error correlations of the method (BENCHMARKS.md compares their coverage).
    ``backend``: where the series are fitted (``None``: the default backend for their number).
    """
    if intervals not in ("base", "normality"):
        raise ValueError(f"intervals must be 'base' or 'normality', got {intervals!r}")
    data = hierarchy.frame[["unique_id", "ds", "y"]]
    fitted = Forecaster(h, level, season_length, backend=backend, censor=False)
    # each level calibrated on its own refits: a total errs less, relative to its models'
    # spread, than a region's product line (BENCHMARKS.md, "Reconciliation on the sample data")
    fitted.fit(data, fitted=True, groups=hierarchy.level_of())
    raw = fitted.forecast()  # symmetric intervals, the widths to keep
    positive = censor.positive_series(data)
    base = censor.frame_at_zero(raw, positive)
    interval_cols = [c for c in base.columns if c.startswith(("lo-", "hi-"))]
    # hierarchicalforecast needs every interval: a series too short for one gets zero width.
    missing = base[interval_cols].isna().any(axis=1) if interval_cols else None
    if missing is not None and missing.any():
        for c in interval_cols:
            base[c] = base[c].fillna(base["mean"])
            raw[c] = raw[c].fillna(raw["mean"])
        short_ids = base.loc[missing, "unique_id"].unique()
        flagged = base["unique_id"].isin(short_ids)
        base.loc[flagged, "note"] = base.loc[flagged, "note"].map(
            lambda n: (n + "; " if n else "") + "no interval of its own (zero width in reconciling)"
        )
    y_hat = base[["unique_id", "ds", "mean", *interval_cols]].rename(
        columns={"mean": _BASE, **{c: f"{_BASE}-{c}" for c in interval_cols}}
    )
    y_fit = fitted.fitted_values().rename(columns={"fitted": _BASE})
    labels = base.drop_duplicates("unique_id").set_index("unique_id")[["model", "note", "history"]]
    blocks = []
    if include_base:
        blocks.append(_block(y_hat, _BASE, _BASE, interval_cols, ""))
    for method in methods:
        reconciled, col, remark = _reconcile_one(
            method, y_hat, y_fit, hierarchy, level if intervals == "normality" else None
        )
        if intervals == "base":  # the calibrated base widths around the reconciled mean
            keys = reconciled[["unique_id", "ds"]].merge(
                raw, on=["unique_id", "ds"], how="left", validate="one_to_one"
            )
            for c in interval_cols:
                offset = keys[c].to_numpy() - keys["mean"].to_numpy()
                reconciled[f"{col}-{c}"] = reconciled[col].to_numpy() + offset
        block = _block(reconciled, col, method, interval_cols, remark)
        block, cut = censor.coherent_at_zero(block, hierarchy.S, positive)
        if cut:
            block["remark"] = "; ".join(
                part
                for part in (remark, f"{len(cut)} bottom series cut at 0, added up again")
                if part
            )
        blocks.append(block)
    out = pd.concat(blocks, ignore_index=True)
    out = out.join(hierarchy.level_of(), on="unique_id").join(labels, on="unique_id")
    remarks = out.pop("remark")
    out["note"] = [
        "; ".join(part for part in (note, remark) if part)
        for note, remark in zip(out["note"], remarks, strict=True)
    ]
    first = ["unique_id", "level", "ds", "method", "mean"]
    return out[first + interval_cols + ["model", "note", "history"]]


def _block(
    frame: pd.DataFrame, col: str, method: str, interval_cols: list[str], remark: str
) -> pd.DataFrame:
    block = pd.DataFrame({"unique_id": frame["unique_id"], "ds": frame["ds"], "method": method})
    block["mean"] = frame[col].to_numpy()
    for c in interval_cols:
        block[c] = frame[f"{col}-{c}"].to_numpy()
    block["remark"] = remark
    return block


def _reconcile_one(
    method: str,
    y_hat: pd.DataFrame,
    y_fit: pd.DataFrame,
    hierarchy: Hierarchy,
    level: Sequence[int] | None,
) -> tuple[pd.DataFrame, str, str]:
    """Reconcile with one method; MinT falls back to structural weights when it cannot work.

    MinT needs in-sample errors with some variance in every series; a constant or all-zero series
    has none, which makes its covariance singular. Then the structural weights of ``wls_struct``
    (each series weighted by the number of bottom series it adds up) are used, and said.
    """
    from hierarchicalforecast.core import HierarchicalReconciliation
    from hierarchicalforecast.methods import MinTrace

    def run(reconciler: Any) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return HierarchicalReconciliation([reconciler]).reconcile(
                Y_hat_df=y_hat,
                Y_df=y_fit,
                S_df=hierarchy.S,
                tags=hierarchy.tags,
                level=list(level) if level else None,
            )

    (reconciler,) = _reconcilers([method])
    col = _column(method)
    try:
        reconciled = run(reconciler)
        if np.all(np.isfinite(reconciled[col].to_numpy(dtype="float64"))):
            return reconciled, col, ""
    except Exception:  # hierarchicalforecast refuses zero in-sample errors outright
        if method == "bottom_up":
            raise
    reconciled = run(MinTrace(method="wls_struct"))
    remark = f"{method} not possible (in-sample errors without variance): structural weights"
    return reconciled, f"{_BASE}/MinTrace_method-wls_struct", remark


def coherence_gap(forecasts: pd.DataFrame, hierarchy: Hierarchy) -> float:
    """Largest absolute difference between a series' mean and the sum of its bottom series."""
    wide = forecasts.pivot_table(index="ds", columns="unique_id", values="mean")
    S = hierarchy.S.set_index("unique_id")
    bottom = wide[S.columns].to_numpy()
    implied = bottom @ S.to_numpy().T
    return float(np.max(np.abs(wide[S.index].to_numpy() - implied)))


def backtest_hierarchy(
    hierarchy: Hierarchy,
    h: int = 4,
    n_windows: int = 4,
    *,
    methods: Sequence[str] = METHODS,
    season_length: int = 4,
    level: Sequence[int] = (80, 95),
    intervals: str = "base",
    backend: Backend | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Base against reconciled forecasts from ``n_windows`` origins (one quarter apart).

    Returns the scores per level and method (``level, method, smape, mase, rmsse, coverage-*``:
    means over the series of the level and the windows) and the forecasts with actuals.
    """
    frame = hierarchy.frame
    dates = np.sort(frame["ds"].unique())
    forecasts = []
    for window in range(n_windows):
        held = h + (n_windows - 1 - window)
        cutoff = dates[len(dates) - held - 1]
        part = Hierarchy(frame=frame.loc[frame["ds"] <= cutoff], S=hierarchy.S, tags=hierarchy.tags)
        fc = forecast_hierarchy(
            part,
            h,
            methods=methods,
            include_base=True,
            level=level,
            season_length=season_length,
            intervals=intervals,
            backend=backend,
        )
        fc["cutoff"] = cutoff
        forecasts.append(fc)
    fc = pd.concat(forecasts, ignore_index=True)
    fc = fc.merge(frame[["unique_id", "ds", "y"]], on=["unique_id", "ds"], how="inner")
    histories = {uid: g.sort_values("ds") for uid, g in frame.groupby("unique_id")}
    rows = []
    for (uid, cutoff, method), g in fc.groupby(["unique_id", "cutoff", "method"], sort=False):
        history = histories[uid]
        train = history.loc[history["ds"] <= cutoff, "y"].to_numpy()
        y, f = g["y"].to_numpy(), g["mean"].to_numpy()
        row = {
            "unique_id": uid,
            "level": g["level"].iloc[0],
            "method": method,
            "cutoff": cutoff,
            "smape": accuracy.smape(y, f),
            "mase": accuracy.mase(y, f, train, season_length),
            "rmsse": accuracy.rmsse(y, f, train, season_length),
        }
        for lev in level:
            row[f"coverage-{lev}"] = accuracy.coverage(y, g[f"lo-{lev}"], g[f"hi-{lev}"])
        rows.append(row)
    scores = pd.DataFrame(rows)
    order = {name: i for i, name in enumerate(hierarchy.tags)}
    table = (
        scores.drop(columns=["unique_id", "cutoff"])
        .groupby(["level", "method"], sort=False)
        .mean()
        .reset_index()
    )
    table["series"] = (
        scores.groupby(["level", "method"], sort=False)["unique_id"].nunique().to_numpy()
    )
    table = table.sort_values(
        ["level", "method"], key=lambda s: s.map(order) if s.name == "level" else s
    )
    return table.reset_index(drop=True), fc
