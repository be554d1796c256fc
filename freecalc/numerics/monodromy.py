r"""Length of the Puiseux cycle of a root of :math:`P(m, z) = 0` at a point, by numerical monodromy.

Near a point :math:`e` the roots of :math:`P(\cdot, z)` are grouped in cycles: a cycle of length r consists of r
roots that are the values of one convergent series in :math:`(z - e)^{1/r}` (Newton–Puiseux). Following a root
continuously once around a small circle :math:`|z - e| = \varepsilon` (no other branch point inside) permutes the
roots; the root returns to itself after exactly r turns.

Reference: E. Brieskorn & H. Knörrer, *Plane Algebraic Curves* (1986), §8.3.
"""
from __future__ import annotations

import numpy as np

__all__ = ["MONODROMY_STEPS", "cycle_length"]

#: steps per turn when following a root around the circle (the cycle's roots turn by 2 pi / r per turn; 512 steps
#: keep consecutive positions far closer than distinct roots)
MONODROMY_STEPS = 512


def cycle_length(C: np.ndarray, e: float, eps: float, m0: complex, steps: int = MONODROMY_STEPS) -> int:
    r"""Length r of the Puiseux cycle at :math:`z = e` containing the root of :math:`P(\cdot, e + i\varepsilon)`
    nearest to ``m0``.

    Parameters
    ----------
    C : numpy.ndarray
        ``C[j, k]`` = coefficient of :math:`m^j z^k` in P (degree d ≥ 1 in m).
    e : float
        Centre of the circle.
    eps : float
        Radius, smaller than the distance from e to every other zero of the discriminant and of the leading
        coefficient in m.
    m0 : complex
        Approximation of the root at :math:`e + i\varepsilon` (only the nearest root is used).
    steps : int
        Points per turn.

    Returns
    -------
    int
        r, between 1 and d.

    Raises
    ------
    ArithmeticError
        If the root does not return within d turns (eps too large, or steps too few for the roots' spacing).
    """
    d = C.shape[0] - 1
    roots0 = start = cur = None
    # one turn at a time: most cycles close after one or two turns, and the eigenvalues of the later turns' companion
    # matrices (d of them at degree d) are then never needed
    for turn in range(d):
        i = np.arange(turn * steps + (turn > 0), (turn + 1) * steps + 1)
        z = e + eps * np.exp(1j * (0.5 * np.pi + 2.0 * np.pi * i / steps))
        roots = _companion_roots(C, z)
        if roots0 is None:
            roots0 = roots[0]
            start = int(np.argmin(np.abs(roots0 - m0)))
            cur = roots0[start]
            roots = roots[1:]
        for row in roots:
            cur = row[np.argmin(np.abs(row - cur))]
        # after each whole turn z is back at e + i eps, where the roots are exactly those of the start
        if int(np.argmin(np.abs(roots0 - cur))) == start:
            return turn + 1
    raise ArithmeticError(f"no closed Puiseux cycle at z = {e} (radius {eps}, {steps} steps per turn)")


def _companion_roots(C: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Roots of P(., z) at each z (rows), as eigenvalues of the companion matrices."""
    d = C.shape[0] - 1
    coef = np.polynomial.polynomial.polyval(z, C.T)  # coef[j]: coefficient of m^j at each z
    comp = np.zeros((z.size, d, d), dtype=complex)
    comp[:, 1:, :-1] = np.eye(d - 1)
    comp[:, :, -1] = -(coef[:-1] / coef[-1]).T
    return np.linalg.eigvals(comp)
