"""How many report notebooks to execute side by side: a review of the sample's 2025Q4 with all
six notebooks at once against three at a time, alternated in one process (run/runner.py AT_ONCE).

    PYTHONPATH=src python benchmarks/notebooks_at_once.py
"""

import tempfile
import time

from analysis.run import runner

for n in (6, 3, 6, 3):
    runner.AT_ONCE = n
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        runner.run("2025Q4", out=out)
        print(f"{n} at once: {time.perf_counter() - t0:.1f} s", flush=True)
