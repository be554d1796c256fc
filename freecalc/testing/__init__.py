"""Conformance suite for laws: ``check_law(law)`` and ``check_samples(law)``."""
from freecalc.testing.conformance import ConformanceReport, check_law, check_samples, ks_distance

__all__ = ["check_law", "check_samples", "ConformanceReport", "ks_distance"]
