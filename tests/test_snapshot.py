"""The snapshot a run hands its notebooks holds exactly what was loaded."""

from __future__ import annotations

import pandas as pd

from analysis.data import snapshot
from analysis.data.load import Dataset, load
from analysis.data.validate import LoadReport


def test_snapshot_reads_back_the_loaded_dataset(tmp_path):
    dataset = load()
    back = snapshot.read(snapshot.write(dataset, tmp_path / "snap"), dataset.config)
    pd.testing.assert_frame_equal(back.sales, dataset.sales)
    pd.testing.assert_frame_equal(back.targets, dataset.targets)
    assert [r.to_dict() for r in back.reports] == [r.to_dict() for r in dataset.reports]
    assert list(back.rejected) == list(dataset.rejected)
    assert back.config is dataset.config


def test_rows_set_aside_keep_their_values_even_of_mixed_kinds(tmp_path):
    dataset = load()
    rejected = pd.DataFrame(
        {"row": [2, 3], "reason": ["bad date", "bad amount"], "amount": [12.5, "12,5 元"]}
    )
    report = LoadReport("sales.xlsx", rows_read=2, rows_used=0, rejected={"bad": 2})
    odd = Dataset(dataset.config, dataset.sales.head(3), None, [report], {"sales.xlsx": rejected})
    back = snapshot.read(snapshot.write(odd, tmp_path / "snap"), odd.config)
    assert back.targets is None
    assert back.rejected["sales.xlsx"]["amount"].tolist() == ["12.5", "12,5 元"]
    assert back.rejected["sales.xlsx"]["row"].tolist() == [2, 3]
    assert back.reports[0].rejected == {"bad": 2}
