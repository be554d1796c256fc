"""The decompression core: route registry and AUTO rule, exact rules along the MRO, reports on fresh objects."""
import pytest

import freecalc as fc
from freecalc.operations import decompression_core as core
from freecalc.operations.exact_decompression import exact_reason, has_closed_form, has_exact


class _Uniform(fc.Law):
    def _support(self):
        return ((0.0, 1.0),)

    def _pdf(self, x):
        return ((x >= 0) & (x <= 1)).astype(float)


def test_registered_routes_and_auto_rule():
    assert set(core.LAW_ROUTES) == {fc.Route.EXACT, fc.Route.NUMERIC, fc.Route.PARAMETRIC}
    data = fc.Empirical(fc.MarchenkoPastur(0.3).rvs(200, rng=0), size=200)
    assert core.auto_strategy(data).route is fc.Route.PARAMETRIC
    assert core.auto_strategy(fc.Semicircle(1.0)).route is fc.Route.EXACT
    assert core.auto_strategy(_Uniform()).route is fc.Route.NUMERIC  # a density and a support only
    # priorities: the documented rule (data first, then exact, numeric last)
    prio = {r: s.priority for r, s in core.LAW_ROUTES.items()}
    assert prio[fc.Route.PARAMETRIC] < prio[fc.Route.EXACT] < prio[fc.Route.NUMERIC]
    with pytest.raises(ValueError, match="AUTO"):
        core.register_route(fc.Route.AUTO, handles=lambda law: True, priority=0)
    with pytest.raises(KeyError, match="registered"):
        core.RouteRegistry("demo")[fc.Route.EXACT]


def test_report_is_attached_to_a_new_object_and_the_source_is_untouched():
    law = fc.MarchenkoPastur(0.1, size=1000)
    out = law.decompress(4000)
    assert out == fc.MarchenkoPastur(0.4, size=4000)
    assert out.decompression_report.route is fc.Route.EXACT
    assert out.decompression_report.reason == "closed-form rule for MarchenkoPastur"
    assert not hasattr(law, "decompression_report")
    # with_report copies: the law it was called on keeps no report
    bare = fc.Semicircle(1.0)
    tagged = bare.with_report(out.decompression_report)
    assert tagged == bare and tagged is not bare and not hasattr(bare, "decompression_report")
    with pytest.raises(AttributeError, match="immutable"):
        tagged.decompression_report = None


class _MyLaw(fc.Semicircle):
    """A user's subclass: it inherits the semicircle's rule unless it registers its own."""


class _MyOtherLaw(fc.Semicircle):
    pass


def test_exact_rules_follow_the_mro_and_carry_their_reason():
    assert core.exact_rule_for(_MyLaw(1.0)) is core.exact_rule_for(fc.Semicircle(1.0))

    @core.register_exact_rule(_MyOtherLaw, reason="user rule: radius times sqrt(f)")
    def _rule(law, f):
        return fc.Semicircle(law.r * f ** 0.5)

    out = _MyOtherLaw(1.0).decompress(factor=4)
    assert out == fc.Semicircle(2.0)
    assert out.decompression_report.reason == "user rule: radius times sqrt(f)"
    assert exact_reason(_MyOtherLaw(1.0)) == "user rule: radius times sqrt(f)"
    assert has_closed_form(_MyLaw(1.0)) and has_exact(_MyLaw(1.0))
    assert not has_exact(fc.Empirical([0.0, 1.0, 2.0]))
