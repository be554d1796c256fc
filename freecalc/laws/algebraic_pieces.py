r"""The pieces of an algebraic law's support and the local structure at their ends.

The support of :class:`~freecalc.laws.algebraic.AlgebraicLaw` is cut at the real zeros of the discriminant inside it
(kinks of the density). At each piece end e the Stieltjes branch is a Puiseux series in :math:`(x - e)^{1/r}`, r the
length of its Puiseux cycle, read off the roots of P(., e) by the local rule where they decide it and found by
numerical monodromy elsewhere (:mod:`freecalc.numerics.monodromy`); where the density blows up like a power the end
is a power-law edge (:mod:`freecalc.laws.algebraic_edges`) and its half of the piece is graded deep.

Reference: E. Brieskorn & H. Knörrer, *Plane Algebraic Curves* (1986), §8.3 (Puiseux cycles and monodromy);
E. Casas-Alvero, *Singularities of Plane Curves* (2000), §1.2 (the local rule at smooth points).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from freecalc._lazy import lazy_module
from freecalc.laws.algebraic_edges import PowerEdge, power_edge
from freecalc.laws.algebraic_numeric import branch, local_state
from freecalc.numerics.monodromy import cycle_length, local_cycle_length

sp = lazy_module("sympy")

__all__ = ["NEAR_ATOM", "NEAR_POWER_EDGE", "chart_ends", "deep_ends", "end_cycle_length", "graded_pieces",
           "local_end_cycle_length", "monodromy_end_cycle_length", "piece_ends", "power_edges", "support_pieces"]

NEAR_POWER_EDGE = 1e-3
"""A piece end this close (relative to the piece's length) beyond a power-law edge gets the deep graded rule: the
uniform panels' finest width, 1e-3 of the half, cannot resolve |x - e|^-alpha at a smaller distance."""


NEAR_ATOM = 1e-3
"""A piece end this close to an atom (relative to the support's scale) gets its cycle length from the deflated curve."""

LOCAL_RETRY = 1e-2
"""Radius of the second circle of the local rule, relative to the first (1e-2 of the distance to the nearest other
singular point)."""


def _cuts_scale(law: Any) -> tuple[np.ndarray, float]:
    """The real singular points of the law's curve (discriminant and leading-coefficient zeros) and its scale."""
    n = law._numeric
    return np.array(n.candidates), max(n.bound, 1e-12)


def _room(cuts: np.ndarray, e: float, scale: float) -> float:
    """Distance from e to the nearest other singular point (the support's scale when there is none)."""
    others = np.abs(cuts - e)
    others = others[others > 1e-14 * scale]
    return float(others.min()) if others.size else scale


def piece_ends(law: Any) -> tuple[tuple[float, float], ...]:
    """The support intervals cut at the interior discriminant zeros (kinks), without the cycle lengths at their ends.

    Parameters
    ----------
    law : AlgebraicLaw
        A law with numbers for all its parameters.

    Returns
    -------
    tuple of (a, b)
        Pieces in increasing order.
    """
    n = law._numeric
    cuts, scale = _cuts_scale(law)
    out = []
    for a, b in n.support:
        inner = cuts[(cuts > a + 1e-14 * scale) & (cuts < b - 1e-14 * scale)]
        pts = np.concatenate(([a], inner, [b]))
        out.extend((float(p), float(q)) for p, q in zip(pts[:-1], pts[1:]))
    return tuple(out)


def support_pieces(law: Any) -> tuple[tuple[float, float, int, int], ...]:
    """The pieces of :func:`piece_ends`, each end with the Puiseux cycle length of the Stieltjes branch there.

    Parameters
    ----------
    law : AlgebraicLaw
        A law with numbers for all its parameters.

    Returns
    -------
    tuple of (a, b, ra, rb)
        Pieces in increasing order; ra, rb are the cycle lengths of the Stieltjes branch at a and b.
    """
    cuts, scale = _cuts_scale(law)
    pieces = piece_ends(law)
    r = {e: end_cycle_length(law, e, cuts, scale) for e in sorted({e for p in pieces for e in p})}
    return tuple((a, b, r[a], r[b]) for a, b in pieces)


def end_cycle_length(law: Any, e: float, cuts: np.ndarray, scale: float) -> int:
    """Length of the Puiseux cycle of the Stieltjes branch at the real point e.

    The local rule (:func:`~freecalc.numerics.monodromy.local_cycle_length`: the roots of P(., e), a Rouché bound on
    the circle |z - e| = eps and the Newton polygon at a smooth multiple point) decides wherever it applies; elsewhere
    (atoms, poles, power-law ends, singular points, roots not separated) the root is followed around the circle
    (:func:`monodromy_end_cycle_length`).

    Parameters
    ----------
    law : AlgebraicLaw
        The law.
    e : float
        A piece end.
    cuts : numpy.ndarray
        The real singular points (discriminant and leading-coefficient zeros).
    scale : float
        The support's scale.

    Returns
    -------
    int
        r ≥ 1.

    Raises
    ------
    ArithmeticError
        If the monodromy does not close.
    """
    r = local_end_cycle_length(law, e, cuts, scale)
    return monodromy_end_cycle_length(law, e, cuts, scale) if r is None else r


def _end_curve(law: Any, e: float, cuts: np.ndarray, scale: float) -> tuple[Any, float, float]:
    """The numeric state, the centre of the circle in its variable, and the circle's radius at the end e."""
    n, centre = law._numeric, e
    for a, _w, dn in law._deflated:
        # at or next to an atom the sheets share its pole, which double precision cannot tell apart: the cycle of the
        # continuous part m - w/(a - z) (m's own at e != a, the atom's term being analytic there) is on the deflated
        # curve
        if abs(e - a) <= NEAR_ATOM * scale:
            n = dn
    for a, _w, _loc, dloc in law._atom_charts:
        if abs(e - a) <= NEAR_ATOM * scale:  # ... in the local variable z - a
            n, centre = dloc, e - a
    return n, centre, 1e-2 * min(_room(cuts, e, scale), scale)


def local_end_cycle_length(law: Any, e: float, cuts: np.ndarray, scale: float) -> int | None:
    """The cycle length at e by the local rule alone (:func:`~freecalc.numerics.monodromy.local_cycle_length` on the
    circle of :func:`end_cycle_length`, then on one ``LOCAL_RETRY`` times smaller).

    Parameters
    ----------
    law, e, cuts, scale
        As for :func:`end_cycle_length`.

    Returns
    -------
    int or None
        r, or None where the rule does not decide (poles, atoms, singular points, roots not separated).
    """
    n, centre, eps = _end_curve(law, e, cuts, scale)
    # a smaller circle where the first one is too large for Rouché's bound (the cycle's roots spread like
    # eps^(1/r) towards the other sheets)
    for h in (eps, LOCAL_RETRY * eps):
        m0 = branch(n, np.array([centre]), np.array([h]), checked=False)[0]
        r = local_cycle_length(n.C, centre, h, m0) if np.isfinite(m0) else None
        if r is not None:
            return r
    return None


def monodromy_end_cycle_length(law: Any, e: float, cuts: np.ndarray, scale: float) -> int:
    """The cycle length at e by following the root of P(., z) that is m(e + i eps) around |z - e| = eps, eps 1e-2
    of the distance to the nearest other singular point (:func:`~freecalc.numerics.monodromy.cycle_length`).

    Parameters
    ----------
    law, e, cuts, scale
        As for :func:`end_cycle_length`.

    Returns
    -------
    int
        r, between 1 and the degree d of P in m.

    Raises
    ------
    ArithmeticError
        If the followed root does not come back within d turns, on the expanded curve and on the one in z - e.
    """
    n, centre, eps = _end_curve(law, e, cuts, scale)
    # only the nearest root of P(., e + i eps) is needed, so the continuation's estimate is enough even where it
    # cannot polish (next to a pole of m)
    try:
        m0 = branch(n, np.array([centre]), np.array([eps]), checked=False)[0]
        return cycle_length(n.C, centre, eps, m0)
    except ArithmeticError:
        if centre == 0.0:
            raise
    # a circle |z - e| = eps tiny next to e != 0: the expanded coefficients lost its digits, the local ones
    # (variable z - e) keep them
    n = local_state(law._P, law._numeric, sp.Rational(e))[1]
    m0 = branch(n, np.zeros(1), np.array([eps]), checked=False)[0]
    return cycle_length(n.C, 0.0, eps, m0)


def power_edges(law: Any) -> dict[tuple[float, int], PowerEdge]:
    """(end, side) -> the power-law edge, for the piece ends where the density blows up like a power.

    Atoms are skipped: there the pole of m is the atom's, and the continuous part is read on the deflated curve.

    Parameters
    ----------
    law : AlgebraicLaw
        The law.

    Returns
    -------
    dict
        side is +1 when the piece lies right of the end, -1 when left.
    """
    n = law._numeric
    cuts, scale = _cuts_scale(law)
    atoms = {a for a, _ in n.atoms}
    out = {}
    # the ends alone: the cycle lengths are not needed here (nor by a first density)
    for a, b in piece_ends(law):
        for e, side in ((a, 1), (b, -1)):
            if e in atoms or (e, side) in out:
                continue
            edge = power_edge(law._P, n, e, side, _room(cuts, e, scale))
            if edge is not None:
                out[(e, side)] = edge
    return out


def deep_ends(edges: dict[tuple[float, int], PowerEdge], a: float,
              b: float) -> tuple[PowerEdge | None, PowerEdge | None, bool, bool]:
    """The power-law edges at the ends of the piece [a, b] and whether each end gets the deep graded rule.

    Parameters
    ----------
    edges : dict
        The law's power-law edges (:func:`power_edges`).
    a, b : float
        The piece.

    Returns
    -------
    ea, eb : PowerEdge or None
    deep_a, deep_b : bool
    """
    blowups = np.array([e for e, _ in edges])
    ea, eb = edges.get((a, 1)), edges.get((b, -1))
    # an end within NEAR_POWER_EDGE of the piece's length beyond a power-law edge (a kink 1e-9 above the edge
    # at 0 of FreeBessel(3, 1.01)) sees the blow-up as a near-singularity: it is graded as deep
    near = NEAR_POWER_EDGE * (b - a)
    deep_a = ea is not None or bool(np.any((blowups <= a) & (a - blowups < near)))
    deep_b = eb is not None or bool(np.any((blowups >= b) & (blowups - b < near)))
    return ea, eb, deep_a, deep_b


def graded_pieces(pieces: tuple[tuple[float, float, int, int], ...], edges: dict[tuple[float, int], PowerEdge],
                  density: Callable[..., np.ndarray]) -> list[tuple]:
    """The pieces as :func:`~freecalc.laws.algebraic_rule.adaptive_halves` takes them.

    Parameters
    ----------
    pieces : tuple of (a, b, ra, rb)
        :func:`support_pieces`.
    edges : dict
        :func:`power_edges`.
    density : callable
        ``density(x, delta, at_b, ea, eb)``: the density at nodes x of a piece with power-law ends ea, eb (or None),
        delta the nodes' exact offsets from the end they belong to (at_b: the end b).

    Returns
    -------
    list of (a, b, ra, rb, deep_a, deep_b, density(x, delta, at_b))
    """
    out = []
    for a, b, ka, kb in pieces:
        ea, eb, deep_a, deep_b = deep_ends(edges, a, b)

        def piece_density(x: np.ndarray, d: np.ndarray, at_b: bool, ea: Any = ea, eb: Any = eb) -> np.ndarray:
            return density(x, d, at_b, ea, eb)
        out.append((a, b, ka, kb, deep_a, deep_b, piece_density))
    return out


def chart_ends(pieces: tuple[tuple[float, ...], ...], atoms: tuple[tuple[float, float], ...]) -> np.ndarray:
    """The piece ends e != 0 that are no atoms (those have their own charts), sorted.

    Parameters
    ----------
    pieces : tuple of (a, b, ...)
        :func:`piece_ends` or :func:`support_pieces` (only the ends are read).
    atoms : tuple of (location, mass)

    Returns
    -------
    numpy.ndarray
    """
    locs = {a for a, _ in atoms}
    return np.array(sorted({e for p in pieces for e in p[:2] if e != 0.0 and e not in locs}))
