"""S- and R-transforms of an AlgebraicLaw from its curve (freecalc/laws/algebraic_transforms.py)."""
import numpy as np
import pytest

import freecalc as fc


def test_s_and_r_transforms_of_the_marchenko_pastur_curve():
    # the generic curve route against the closed forms S(w) = 1/(1 + cw), R(w) = 1/(1 - cw) of MP(c)
    c = 0.5
    law = fc.AlgebraicLaw(fc.MarchenkoPastur(c).sym.equation())
    w = np.array([-0.3, 0.2, 0.5])
    assert np.allclose(law.s_transform(w), 1.0 / (1.0 + c * w), rtol=1e-12, atol=0)
    assert np.allclose(law.r_transform(w), 1.0 / (1.0 - c * w), rtol=1e-12, atol=0)


def test_s_transform_refuses_w_outside_its_real_domain():
    law = fc.AlgebraicLaw(fc.MarchenkoPastur(0.5).sym.equation())
    with pytest.raises(ValueError, match="w = -1.5"):
        law.s_transform(np.array([-1.5]))
