"""Forecasts with honest uncertainty: the default forecaster, execution backends, calibration,
reconciliation, backtests, accuracy, the odds of targets and the ledger of published forecasts."""
