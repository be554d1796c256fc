"""The statistical model of a fit (freecalc/fitting/model.py): free and held parameters per scale option, their
validation, and the θ ↔ φ coordinate maps."""
import numpy as np
import pytest

import freecalc as fc
from freecalc.fitting.families import family_of
from freecalc.fitting.model import Model
from freecalc.fitting.options import ScaleOption


def test_transforms_round_trip_and_respect_domains():
    model = Model.build(family_of(fc.Wachter), ScaleOption.FIT_WITH_LOCATION, None)
    theta = {"a": 0.7, "b": 2.0, "scale": 1.3, "loc": -0.2}
    back = model.theta(model.phi(theta))
    for k, v in theta.items():
        assert back[k] == pytest.approx(v, rel=1e-12)
    htmp = Model.build(family_of(fc.HTMP), ScaleOption.AUTO, None)
    g = htmp.theta(np.array([5.0, 0.0, 0.0]))["gamma"]
    assert 0 < g < 1  # logit keeps gamma in (0, 1)


def test_scale_option_semantics():
    mp = family_of(fc.MarchenkoPastur)
    assert Model.build(mp, ScaleOption.AUTO, None).free == ("c", "sigma2")
    held = Model.build(mp, ScaleOption.NONE, None)
    assert held.free == ("c",) and held.fixed == {"sigma2": 1.0}
    sc = family_of(fc.Semicircle)
    assert Model.build(sc, ScaleOption.FIT, None).fixed == {"center": 0.0}
    assert Model.build(family_of(fc.HTMP), ScaleOption.FIT_WITH_LOCATION, None).free[-2:] == ("scale", "loc")


def test_fixed_parameters_are_validated():
    mp = family_of(fc.MarchenkoPastur)
    with pytest.raises(TypeError, match="unknown parameter 'scale'"):
        Model.build(mp, ScaleOption.AUTO, {"scale": 2.0})
    with pytest.raises(ValueError, match="finite real"):
        Model.build(mp, ScaleOption.AUTO, {"c": float("nan")})
    with pytest.raises(TypeError, match="ScaleOption"):
        Model.build(mp, "fit", None)


def test_representability_bounds_are_not_search_limits():
    # a domain (1e-100, 1e100] must be searched like (0, ∞): log map, not a logistic one pinned at its end
    model = Model.build(family_of(fc.MarchenkoPastur), ScaleOption.AUTO, None)
    phi = model.phi({"c": 2.0, "sigma2": 1.5})
    assert model.theta(phi)["c"] == pytest.approx(2.0, rel=1e-12)
    assert model.theta(phi)["sigma2"] == pytest.approx(1.5, rel=1e-12)
