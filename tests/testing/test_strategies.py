"""Strategies from declared parameters, exercised on the lead's two laws (freecalc/testing/strategies.py)."""
import numpy as np
import pytest
from hypothesis import given, settings

import freecalc as fc
from freecalc.testing.strategies import invalid_values, laws, valid_params


@pytest.mark.parametrize("law_cls", [fc.Semicircle, fc.MarchenkoPastur])
def test_every_declared_parameter_rejects_invalid_values(law_cls):
    for p in law_cls.parameters:
        @settings(max_examples=25, deadline=None)
        @given(invalid_values(p))
        def check(bad):
            kwargs = {q.name: np.mean(q.typical) for q in law_cls.parameters}
            kwargs[p.name] = bad
            with pytest.raises(ValueError, match=repr(p.name)):
                law_cls(**kwargs)
        check()


@settings(max_examples=40, deadline=None)
@given(laws(fc.MarchenkoPastur, typical=False))
def test_valid_mp_has_unit_mass_and_nonnegative_density(law):
    _, ws = law.continuous_rule()
    # 1e-9: c spans (0, 1e3] here; the theta rule keeps ~1e-12, near-degenerate c -> 0 supports lose a little more
    assert abs(ws.sum() + sum(w for _, w in law.atoms) - 1) < 1e-9
    a, b = law.support[0]
    assert np.all(law.pdf(np.linspace(a - 1, b + 1, 301)) >= 0)


@settings(max_examples=40, deadline=None)
@given(valid_params(fc.Semicircle))
def test_valid_semicircle_moments(kw):
    law = fc.Semicircle(**kw)
    assert np.isclose(law.var(), kw["r"] ** 2 / 4, rtol=1e-12)
