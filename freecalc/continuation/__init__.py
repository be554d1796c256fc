"""Analytic continuation of Stieltjes transforms to their second sheet (for numeric free decompression).

* :mod:`~freecalc.continuation.joukowski` — the Joukowski variable in which both sheets are one plane;
* :mod:`~freecalc.continuation.pade` — rational (least-squares Padé) models with fitted edges, pole checks/repair;
* :mod:`~freecalc.continuation.second_sheet` — the continuation rule m_II = m_I + 2πi ρ̂ and outlier detection.
"""
from freecalc.continuation.joukowski import Joukowski
from freecalc.continuation.pade import FitReport, RationalCauchy, fit_rational
from freecalc.continuation.second_sheet import second_sheet, split_outliers

__all__ = ["Joukowski", "RationalCauchy", "FitReport", "fit_rational", "second_sheet", "split_outliers"]
