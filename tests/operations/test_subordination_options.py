"""Options of the numeric free convolutions (freecalc/operations/subordination_options.py): values are coerced to
their enums, bad values are refused naming the option and its allowed range, unknown options up front."""
import pytest

import freecalc as fc
from freecalc.laws.numeric import FailurePolicy
from freecalc.operations.subordination import free_add_numeric
from freecalc.operations.subordination_options import (SUBORDINATION_MAXITER, SUBORDINATION_TOL, Route,
                                                       SubordinationOptions)


def test_defaults_and_enum_coercion():
    opts = SubordinationOptions()
    assert (opts.route, opts.tol, opts.maxiter, opts.policy) == (Route.AUTO, SUBORDINATION_TOL,
                                                                 SUBORDINATION_MAXITER, FailurePolicy.WARN)
    opts = SubordinationOptions(route="law", policy=FailurePolicy.RAISE.value)
    assert opts.route is Route.LAW and opts.policy is FailurePolicy.RAISE


@pytest.mark.parametrize("kwargs, message", [
    ({"route": "fast"}, "route must be one of 'auto', 'kernel', 'law'"),
    ({"tol": 0.0}, r"tol must be a float in \(0, 1e-2\)"),
    ({"tol": 0.5}, r"tol must be a float in \(0, 1e-2\)"),
    ({"maxiter": 0}, "maxiter must be an integer >= 1"),
    ({"grid": 8}, "grid must be an integer >= 16"),
    ({"order": True}, "order must be an integer >= 2"),
])
def test_bad_values_are_refused_with_the_allowed_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SubordinationOptions(**kwargs)


def test_unknown_options_are_refused_by_the_convolutions():
    with pytest.raises(TypeError, match=r"free_add_numeric got unknown option\(s\) \['tolerance'\]"):
        free_add_numeric(fc.Semicircle(1.0), fc.Semicircle(2.0), tolerance=1e-10)
