"""Example counting of the property tests (freecalc/testing/counting.py and the hooks in tests/conftest.py)."""
from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from freecalc.testing.counting import counted, counting_for, examples_run, family_of

ROOT = Path(__file__).resolve().parents[2]


def test_counted_records_every_example_of_an_inner_given() -> None:
    calls = []

    # generate only, no shrinking and no database: exactly max_examples calls (the strategy cannot be exhausted)
    @settings(max_examples=37, database=None, phases=[Phase.generate])
    @given(st.floats(0, 1))
    @counted
    def body(v):
        calls.append(v)

    with counting_for("counting-test-key"):
        body()
    assert len(calls) == 37
    assert examples_run("counting-test-key") == 37
    # the wrapper keeps the body's signature (what Hypothesis binds the drawn arguments to)
    assert list(inspect.signature(body.hypothesis.inner_test).parameters) == ["v"]


def test_a_failing_example_is_counted() -> None:
    @counted
    def body():
        raise ValueError("boom")

    with counting_for("counting-failure-key"):
        try:
            body()
        except ValueError:
            pass
    assert examples_run("counting-failure-key") == 1


def test_family_strips_the_directory_and_the_parametrisation() -> None:
    nodeid = "tests/properties/test_law_properties.py::test_shift_and_scale[HTMP]"
    assert family_of(nodeid) == "test_law_properties.py::test_shift_and_scale"


def test_session_summary_and_json_count_the_examples_run(tmp_path: Path) -> None:
    # end to end: one parametrised property with an inner @given (6 examples under the default profile, PointMass
    # draws one float, so nothing is exhausted), run in a fresh pytest with the counts written to a file
    out = tmp_path / "counts.json"
    node = "tests/properties/test_law_properties.py::test_basic_invariants_across_the_whole_domain[PointMass]"
    env = {k: v for k, v in os.environ.items() if k not in ("HYPOTHESIS_PROFILE", "FREECALC_THOROUGH_EXAMPLES")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", node,
                           f"--example-counts={out}"], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "property examples run" in proc.stdout
    counts = json.loads(out.read_text())
    assert counts["tests"] == {node: 6}
    assert counts["families"] == {"test_law_properties.py::test_basic_invariants_across_the_whole_domain": 6}
    assert counts["total"] == 6 and counts["failed"] == []


def test_every_property_body_is_counted() -> None:
    # a property added without @counted would run uncounted and make the reported totals silently short
    files = sorted((ROOT / "tests" / "properties").glob("test_*.py"))
    assert files
    uncounted, given = [], 0
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.strip().startswith("@given("):
                given += 1
                if lines[i + 1].strip() != "@counted":
                    uncounted.append(f"{path.name}:{i + 1}")
    assert given >= 9
    assert not uncounted, f"@given without @counted right below it: {uncounted}"
