"""From a run configuration to checked, typed data: sources, validation with row accounting,
engine pushdown, loading, quarterly series and the sample company."""
