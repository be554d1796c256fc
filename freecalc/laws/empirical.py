r"""Laws from data: the empirical spectral distribution and its smooth fit.

* :class:`Empirical` — the ESD of a matrix: atoms of mass 1/n at the eigenvalues, exact transforms
  (:math:`m(z) = \frac1n\sum_i 1/(\lambda_i - z)`), ``size`` = the matrix dimension.
* :class:`FittedSpectrum` (from :meth:`Empirical.smooth`) — a smooth law fitted to the eigenvalues: a bulk whose
  Cauchy transform is a rational function of the Joukowski variable of a fitted support
  (:mod:`freecalc.continuation.pade`: a resummed Jacobi(½, ½) series — square-root edges, poles kept off the
  physical sheet), plus isolated outliers kept as atoms (:func:`freecalc.continuation.second_sheet.split_outliers`).
  Its Stieltjes transform has an explicit second sheet (:meth:`FittedSpectrum.stieltjes_second`), which is what
  numeric free decompression (:func:`freecalc.operations.numeric_decompression.decompress_numeric`) needs.

Spectra spanning several decades (kernel / NTK Gram matrices): the large, isolated eigenvalues become outliers
(atoms); the bulk is fitted in :math:`s = \log\lambda` (:class:`Variable`, automatic rule in
:meth:`Empirical.smooth`), where mass piling up near 0 is a smooth hump with square-root-like edges, and continued
to the λ-plane's second sheet by :class:`~freecalc.continuation.logmodel.LogRationalCauchy` (singularity
subtraction keeps the continuation exact for the fitted model).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import enum

from freecalc.continuation.logmodel import LogRationalCauchy
from freecalc.continuation.pade import FitReport, RationalCauchy, fit_rational
from freecalc.continuation.second_sheet import split_outliers
from freecalc.laws.base import Law, _validate_size
from freecalc._options import coerce_enum

__all__ = ["Empirical", "FittedSpectrum", "Variable", "SYMMETRY_RTOL", "LOG_DECADES", "AUTO_COMPARE_DECADES",
           "LOG_SKEWNESS"]

LOG_DECADES = 3.0
"""Variable.AUTO fits in log λ when the (positive) bulk spans at least this many decades."""

AUTO_COMPARE_DECADES = 0.5
"""Between AUTO_COMPARE_DECADES and LOG_DECADES decades Variable.AUTO uses LOG for a strongly right-skewed bulk
(skewness ≥ LOG_SKEWNESS), and otherwise fits both variables and keeps the simpler automatic type (ties: the smaller residual)."""

LOG_SKEWNESS = 2.0
"""Skewness from which a positive bulk counts as piling up near 0. Marchenko–Pastur(c ≤ 1) has skewness √c ≤ 1 and
is exact in the LINEAR model; kernel/Gram spectra with power-law populations have skewness ≫ 1."""


def _auto_variable(bulk: np.ndarray) -> Variable:
    """LOG, LINEAR, or AUTO (= undecided: compare both fits) for a positive bulk (Empirical.smooth docstring)."""
    span = math.log10(bulk[-1] / bulk[0])
    if span >= LOG_DECADES:
        return Variable.LOG
    if span < AUTO_COMPARE_DECADES:
        return Variable.LINEAR
    c = bulk - bulk.mean()
    skew = float(np.mean(c ** 3) / np.mean(c ** 2) ** 1.5)
    return Variable.LOG if skew >= LOG_SKEWNESS else Variable.AUTO


class Variable(enum.Enum):
    """Variable in which :meth:`Empirical.smooth` fits the bulk."""

    AUTO = "auto"
    """LOG for positive bulks spanning ≥ LOG_DECADES decades, else LINEAR."""
    LINEAR = "linear"
    """The eigenvalue itself (square-root edges; the five quadratic laws are exact in this model)."""
    LOG = "log"
    """s = log λ (kernel/NTK spectra: mass piling up near 0 over decades)."""


def _as_variable(v: Any) -> Variable:
    return coerce_enum(v, Variable, "variable")

SYMMETRY_RTOL = 1e-8
"""from_matrix accepts A when max|A − Aᵀ| ≤ SYMMETRY_RTOL · max|A| (relative to the largest entry)."""


def _check_eigenvalues(eigenvalues: Any) -> np.ndarray:
    try:
        arr = np.asarray(eigenvalues)
    except Exception as exc:  # pragma: no cover - numpy rejects very odd inputs
        raise TypeError(f"eigenvalues must be a 1-D array of real numbers, got {type(eigenvalues).__name__}") from exc
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"eigenvalues must be a 1-D array of real numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        if np.any(arr.imag != 0):
            raise ValueError("eigenvalues must be real (a symmetric matrix has real eigenvalues); got complex values")
        arr = arr.real
    if arr.ndim != 1:
        raise ValueError(f"eigenvalues must be a 1-D array, got shape {arr.shape}; for a matrix use "
                         f"Empirical.from_matrix(A)")
    if arr.size == 0:
        raise ValueError("eigenvalues is empty: an empirical law needs at least one eigenvalue")
    bad = ~np.isfinite(arr)
    if np.any(bad):
        raise ValueError(f"eigenvalues contain {int(bad.sum())} non-finite value(s) (NaN or inf), e.g. at index "
                         f"{int(np.argmax(bad))}")
    out = np.sort(arr.astype(float))
    out.setflags(write=False)
    return out


class Empirical(Law):
    """Empirical spectral distribution: mass 1/n at each eigenvalue.

    Parameters
    ----------
    eigenvalues : array_like
        Real, finite eigenvalues (any order; repeated values become heavier atoms).
    size : int, optional
        Dimension of the matrix they come from: ``len(eigenvalues)`` (the default) and nothing else. An n×n
        matrix has n eigenvalues, and every use of the law (its atoms of mass 1/n, the outlier bookkeeping of
        numeric decompression, n_s for decompression) counts them; a size that disagrees would be silently
        wrong. If eigenvalues are missing (e.g. the zero eigenvalues of a rank-deficient matrix), pass them:
        ``Empirical(np.concatenate([eigs, np.zeros(n - len(eigs))]))``. Any integral value is accepted (``4e3``).

    Raises
    ------
    ValueError
        ``size`` differs from the number of eigenvalues; bad eigenvalues (not real, not finite, empty, not 1-D).

    Examples
    --------
    >>> import numpy as np, freecalc as fc
    >>> A = fc.MarchenkoPastur(0.1).matrix(500, rng=0)
    >>> esd = fc.Empirical.from_matrix(A)
    >>> esd.size
    500
    """

    parameters = ()
    latex_name = r"\mathrm{ESD}"

    def __init__(self, eigenvalues: Any, size: Any = None) -> None:
        ev = _check_eigenvalues(eigenvalues)
        size = len(ev) if size is None else _validate_size(size)
        if size != len(ev):
            raise ValueError(
                f"size={size} but {len(ev)} eigenvalues were given: an n×n matrix has n eigenvalues, so size must "
                f"equal len(eigenvalues) (or be omitted). If eigenvalues are missing, e.g. the zero eigenvalues of a "
                f"rank-deficient matrix, pass them: Empirical(np.concatenate([eigs, np.zeros({size} - {len(ev)})]))"
                if size > len(ev) else
                f"size={size} but {len(ev)} eigenvalues were given: an n×n matrix has n eigenvalues, so size must "
                f"equal len(eigenvalues) (or be omitted)")
        super().__init__(size=size)
        self._set("_eigenvalues", ev)

    @classmethod
    def from_matrix(cls, A: Any, size: Any = None) -> Empirical:
        r"""ESD of a real symmetric matrix.

        Checks: 2-D and square, finite entries, and symmetric to a *relative* tolerance
        ``max|A − Aᵀ| ≤ SYMMETRY_RTOL · max|A|`` (:data:`SYMMETRY_RTOL` = 1e-8).

        Parameters
        ----------
        A : array_like, shape (n, n)
            Real symmetric matrix.
        size : int, optional
            Matrix size the law stands for (default: none).

        Returns
        -------
        Empirical
            The uniform measure on the n eigenvalues of the symmetrised :math:`(A + A^\top)/2`.

        Raises
        ------
        TypeError
            If ``A`` is not numeric.
        ValueError
            If ``A`` is complex, not square, empty, has non-finite entries or is not symmetric.
        """
        arr = np.asarray(A)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"A must be a numeric matrix, got dtype {arr.dtype}")
        if np.iscomplexobj(arr):
            raise ValueError("A must be real symmetric; complex (Hermitian) matrices are not supported")
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise ValueError(f"A must be a square matrix, got shape {arr.shape}")
        if arr.shape[0] == 0:
            raise ValueError("A is empty (0×0)")
        bad = ~np.isfinite(arr)
        if np.any(bad):
            i, j = np.argwhere(bad)[0]
            raise ValueError(f"A has {int(bad.sum())} non-finite entries (NaN or inf), e.g. A[{i}, {j}]")
        arr = arr.astype(float, copy=False)
        scale = float(np.max(np.abs(arr)))
        asym = float(np.max(np.abs(arr - arr.T)))
        if asym > SYMMETRY_RTOL * scale:
            raise ValueError(f"A is not symmetric: max|A − Aᵀ| = {asym:.3g} exceeds the relative tolerance "
                             f"{SYMMETRY_RTOL:g} × max|A| = {SYMMETRY_RTOL * scale:.3g}")
        ev = np.linalg.eigvalsh(0.5 * (arr + arr.T))
        return cls(ev, size=size)

    # -- identity ------------------------------------------------------------------------------------------------
    @property
    def eigenvalues(self) -> np.ndarray:
        """Sorted eigenvalues (read-only)."""
        return self._eigenvalues

    def _identity(self) -> tuple[Any, ...]:
        return (self._eigenvalues.tobytes(),)

    def replace(self, **changes: Any) -> Empirical:
        """A copy with another ``size`` (Empirical has no declared parameters to change).

        Parameters
        ----------
        **changes
            Only ``size`` (int or None) is accepted.

        Returns
        -------
        Empirical

        Raises
        ------
        TypeError
            If any other name is given.
        """
        unknown = set(changes) - {"size"}
        if unknown:
            raise TypeError(f"Empirical has no parameters to replace ({sorted(unknown)}); only size=")
        return Empirical(self._eigenvalues, size=changes.get("size", self.size))

    def __repr__(self) -> str:
        ev = self._eigenvalues
        return f"Empirical({ev.size} eigenvalues in [{ev[0]:.4g}, {ev[-1]:.4g}], size={self.size})"

    # -- numeric face (exact) ------------------------------------------------------------------------------------
    def _support(self) -> tuple[tuple[float, float], ...]:
        return ()

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        vals, counts = np.unique(self._eigenvalues, return_counts=True)
        n = self._eigenvalues.size
        return tuple((float(v), float(c) / n) for v, c in zip(vals, counts))

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return np.zeros(x.shape)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        ev = self._eigenvalues
        zf = np.asarray(z, dtype=complex).reshape(-1)
        out = np.empty(zf.size, dtype=complex)
        with np.errstate(divide="ignore", invalid="ignore"):
            for start in range(0, zf.size, 256):  # blocks bound the n × len(z) temporary
                blk = zf[start:start + 256]
                out[start:start + 256] = np.mean(1.0 / (ev[None, :] - blk[:, None]), axis=1)
        return out.reshape(np.shape(z))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._eigenvalues, x, side="right") / self._eigenvalues.size

    def _ppf(self, q: np.ndarray) -> np.ndarray:
        n = self._eigenvalues.size
        idx = np.clip(np.ceil(q * n - 1e-12).astype(int) - 1, 0, n - 1)
        return self._eigenvalues[idx]

    def _moment(self, k: int) -> float:
        return float(np.mean(self._eigenvalues ** k))

    def _rvs(self, size: Any, rng: np.random.Generator) -> Any:
        return rng.choice(self._eigenvalues, size=size)

    # -- smoothing -----------------------------------------------------------------------------------------------
    def smooth(self, *, degree: tuple[int, int] | None = None, support: tuple[float, float] | None = None,
               outliers: int | None = None, n_eff: float | None = None,
               variable: Variable | str = Variable.AUTO) -> FittedSpectrum:
        """A smooth law fitted to these eigenvalues (:class:`FittedSpectrum`).

        Parameters
        ----------
        degree : (L, M), optional
            Type of the rational model in the Joukowski variable (default: the automatic rule of
            :func:`freecalc.continuation.pade.fit_rational` — the simplest type that fits to the noise level).
        support : (a, b), optional
            Support of the bulk, if known (default: fitted square-root edges).
        outliers : int, optional
            Number of outliers to keep as atoms (default: the gap rule of
            :func:`freecalc.continuation.second_sheet.split_outliers`; 0 disables it).
        n_eff : float, optional
            Effective sample size for the noise model of the fit (default: the number of bulk eigenvalues; use a
            smaller value for i.i.d. samples, whose moments fluctuate like 1/√n rather than 1/n).
        variable : Variable
            Variable the bulk is fitted in: ``Variable.AUTO`` (default) uses ``LOG`` when the bulk is positive
            and spans at least :data:`LOG_DECADES` decades, or at least :data:`AUTO_COMPARE_DECADES` decades
            with skewness ≥ :data:`LOG_SKEWNESS` (mass piling up near 0); for other positive bulks spanning at
            least :data:`AUTO_COMPARE_DECADES` decades it fits both and keeps the simpler automatic type (ties: the
            smaller residual); ``LINEAR`` otherwise.

        Returns
        -------
        FittedSpectrum
            Bulk density from the rational model, outliers as atoms; ``.report`` describes the fit.

        Raises
        ------
        ValueError
            Fewer than 8 eigenvalues, a degenerate (all-equal) bulk, or no admissible rational model.
        """
        ev = self._eigenvalues
        if ev.size < 8:
            raise ValueError(f"smoothing needs at least 8 eigenvalues, got {ev.size}")
        if ev[-1] - ev[0] <= 1e-12 * max(1.0, abs(ev[0])):
            raise ValueError(f"all {ev.size} eigenvalues are equal ({ev[0]:.6g}): a degenerate spectrum has no "
                             f"smooth density (it is the point mass fc.PointMass({ev[0]:.6g}))")
        bulk, out = split_outliers(ev, outliers)
        if bulk[-1] - bulk[0] <= 1e-12 * max(1.0, abs(bulk[0])):
            raise ValueError("the bulk left after removing outliers is degenerate (all equal); pass outliers=0")
        var = _as_variable(variable)
        positive = bulk[0] > 0
        if var is Variable.LOG and not positive:
            raise ValueError(f"variable=LOG needs a positive bulk, but its smallest eigenvalue is {bulk[0]:.6g}")

        def fit_log():
            sup = None if support is None else (math.log(support[0]), math.log(support[1]))
            inner, rep = fit_rational(np.log(bulk), degree=degree, support=sup, n_eff=n_eff)
            return LogRationalCauchy(inner), rep

        def fit_linear():
            return fit_rational(bulk, degree=degree, support=support, n_eff=n_eff)

        choice = var
        if var is Variable.AUTO:
            choice = _auto_variable(bulk) if positive else Variable.LINEAR
        if choice is Variable.AUTO:
            # undecided: fit both, keep the simpler automatic type (fewer coefficients; ties → smaller residual)
            cands = []
            for fit in (fit_linear, fit_log):
                try:
                    cands.append(fit())
                except (ValueError, ZeroDivisionError):
                    continue
            if not cands:
                model, report = fit_linear()  # re-raises the linear fit's error
            else:
                model, report = min(cands, key=lambda mr: (sum(mr[1].degree), mr[1].residual))
        else:
            model, report = fit_log() if choice is Variable.LOG else fit_linear()
        n = ev.size
        atoms = tuple((float(v), 1.0 / n) for v in out)
        return FittedSpectrum(model, report, atoms=atoms, bulk_mass=bulk.size / n, size=self.size)


class FittedSpectrum(Law):
    r"""Smooth spectral law: rational-Joukowski bulk of mass ``bulk_mass`` plus atoms (outliers).

    Built by :meth:`Empirical.smooth`. ``model`` is the bulk's
    :class:`~freecalc.continuation.pade.RationalCauchy` (normalised to mass 1), ``report`` the
    :class:`~freecalc.continuation.pade.FitReport` of the fit.
    """

    parameters = ()
    latex_name = r"\widehat{\mathrm{ESD}}"

    def __init__(self, model: RationalCauchy | LogRationalCauchy, report: FitReport | None = None, *,
                 atoms: tuple[tuple[float, float], ...] = (), bulk_mass: float = 1.0, size: Any = None) -> None:
        super().__init__(size=size)
        if not 0 < bulk_mass <= 1:
            raise ValueError(f"bulk_mass must be in (0, 1], got {bulk_mass!r}")
        total = bulk_mass + sum(w for _, w in atoms)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"bulk mass {bulk_mass} + atom masses must be 1, got {total}")
        self._set("model", model)
        self._set("report", report)
        self._set("_atom_list", tuple(sorted(atoms)))
        self._set("bulk_mass", float(bulk_mass))

    def _identity(self) -> tuple[Any, ...]:
        m = self.model
        return (type(m).__name__, m.a, m.b, tuple(m.p), tuple(m.q), self._atom_list, self.bulk_mass)

    def replace(self, **changes: Any) -> FittedSpectrum:
        """A copy with another ``size`` (FittedSpectrum has no declared parameters to change).

        Parameters
        ----------
        **changes
            Only ``size`` (int or None) is accepted.

        Returns
        -------
        FittedSpectrum

        Raises
        ------
        TypeError
            If any other name is given.
        """
        unknown = set(changes) - {"size"}
        if unknown:
            raise TypeError(f"FittedSpectrum has no parameters to replace ({sorted(unknown)}); only size=")
        return FittedSpectrum(self.model, self.report, atoms=self._atom_list, bulk_mass=self.bulk_mass,
                              size=_validate_size(changes.get("size", self.size)))

    def __repr__(self) -> str:
        deg = self.report.degree if self.report else (len(self.model.p) - 1, len(self.model.q) - 1)
        return (f"FittedSpectrum(support=[{self.model.a:.4g}, {self.model.b:.4g}], degree={deg}, "
                f"outliers={len(self._atom_list)}, size={self.size})")

    def _support(self) -> tuple[tuple[float, float], ...]:
        return ((self.model.a, self.model.b),)

    def _atoms(self) -> tuple[tuple[float, float], ...]:
        return self._atom_list

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return self.bulk_mass * np.maximum(self.model.density(x), 0.0)

    def _stieltjes(self, z: np.ndarray) -> np.ndarray:
        out = self.bulk_mass * self.model.stieltjes_first(z)
        with np.errstate(divide="ignore", invalid="ignore"):
            for loc, w in self._atom_list:
                out = out + w / (loc - z)
        return out

    def stieltjes_second(self, z: Any) -> Any:
        r"""Continuation of the bulk's :math:`m` through the support: :math:`m_{II}(z) = m_I(z) + 2\pi i\hat\rho(z)`
        below it (module :mod:`freecalc.continuation.second_sheet`), evaluated as :math:`-G(1/u_I(z))`; the atoms'
        terms are single-valued and added unchanged.

        Parameters
        ----------
        z : complex or array_like
            Points; below the support (Im z < 0, Re z inside it) this is the analytic continuation, elsewhere the
            continuation of the first sheet.

        Returns
        -------
        complex or ndarray
            Same shape as ``z``.
        """
        za = np.asarray(z, dtype=complex)
        out = self.bulk_mass * self.model.stieltjes_second(za)
        with np.errstate(divide="ignore", invalid="ignore"):
            for loc, w in self._atom_list:
                out = out + w / (loc - za)
        return out[()] if np.ndim(z) == 0 else out

    def _moment(self, k: int) -> float:
        # θ-substituted Gauss–Legendre on the bulk: the integrand ρ(c + 2h cosθ)(…)^k 2h sinθ is analytic in θ
        x, w = self.model.quadrature(max(128, 4 * k + 32))
        bulk = float(np.sum(w * x ** k))
        return self.bulk_mass * bulk + sum(wa * a ** k for a, wa in self._atom_list)

    def continuous_rule(self, panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
        r"""Quadrature of the bulk from the model (θ-substitution in the fitted variable; exact to rounding).

        Parameters
        ----------
        panels, order : int
            Accuracy hints of the generic rule (panels and Gauss–Legendre points per panel); used as a lower bound on
            the number of nodes here.

        Returns
        -------
        x, w : numpy.ndarray
            Nodes and weights: :math:`\sum_i w_i f(x_i) \approx \int f\,\rho\,dx` over the continuous part (the weights
            sum to its mass).
        """
        x, w = self.model.quadrature(max(256, panels * order // 4))
        return x, self.bulk_mass * w
