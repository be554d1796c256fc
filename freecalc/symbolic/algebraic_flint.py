r"""The polynomial method on integer curves with FLINT (python-flint's ``fmpz_mpoly``): the same polynomials as the
sympy route, computed in compiled exact arithmetic.

Curves are passed either as sympy expressions or as their integer terms ``{(j, k): c}`` (:math:`\sum c\, m^j z^k`,
the ``*_terms`` functions: no sympy expression is built on the way). A function taking expressions returns ``None``
when it does not apply (python-flint missing or older than 0.7, a coefficient that is not an integer, parameters); the
callers then take the sympy route. The ``*_candidate_terms`` functions run without python-flint too, on sympy's
sparse integer polynomials (``sympy.polys.rings``): the same algebra, slower than FLINT but far faster than
sympy expressions. The results are canonical (content and monomial factors removed, sign fixed as in
:func:`freecalc.symbolic.algebraic_curve.as_polynomial`), so both routes return identical expressions.

* Substitutions :math:`m \to a/b`, :math:`z \to c/d` are cleared by homogenising:
  :math:`P(a/b, c/d)\,b^{d_m} d^{d_z} = \sum_{jk} p_{jk}\, a^j b^{d_m - j} c^k d^{d_z - k}`.
* The R- and S-equations, the resultant that adds R-transforms or multiplies S-transforms, and the way back to
  :math:`(m, z)` follow Rao & Edelman, "The polynomial method for random matrices", Found. Comput. Math. 8 (2008).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.core.add import _addsort
from sympy.core.mul import _mulsort

__all__ = ["integer_terms", "remember_terms", "forget_terms", "is_canonical", "canonical_terms", "terms_expr", "rational",
           "atoms_terms", "stieltjes_candidates", "add_candidates", "mul_candidates", "add_candidate_terms",
           "mul_candidate_terms"]

_NAMES = ("m", "z", "X", "w", "y")  # X: the R- or S-variable, y: the variable eliminated by the resultant

#: how many expressions' integer terms are remembered: converting a sympy expression to its coefficients costs
#: milliseconds on a degree-13 curve, and one curve is converted by every step of a derivation
TERMS_MEMO_SIZE = 256
_TERMS: dict[tuple[Any, Any, Any], dict[tuple[int, int], int] | None] = {}


def _context() -> Any:
    try:
        import flint  # optional extra ("finite"); the sympy route is used without it
    except ImportError:
        return None
    if not hasattr(flint, "fmpz_mpoly_ctx"):  # python-flint < 0.7
        return None
    return flint.fmpz_mpoly_ctx.get(_NAMES, "lex")


class _FlintRing:
    """FLINT's ``fmpz_mpoly`` in the variables ``_NAMES`` (lex order)."""

    def __init__(self, ctx: Any) -> None:
        self.from_dict = ctx.from_dict
        self.gens = ctx.gens()

    @staticmethod
    def resultant_y(f: Any, g: Any) -> Any:
        return f.resultant(g, "y")

    @staticmethod
    def canonical(F: Any) -> Any:
        return _canonical(F)

    @staticmethod
    def factors(F: Any) -> list[Any]:
        return [f for f, _mult in F.factor()[1]]

    @staticmethod
    def terms(F: Any) -> dict[tuple[int, ...], int]:
        return {e: int(c) for e, c in F.to_dict().items()}


class _SympyRing:
    """sympy's sparse integer polynomials in the same variables and order (the route without python-flint: the
    same polynomials, as the factorisation over the integers is unique up to sign, fixed by :meth:`canonical`)."""

    def __init__(self) -> None:
        from sympy.polys.orderings import lex
        from sympy.polys.rings import ring

        self.ring, *gens = ring(",".join(_NAMES), sp.ZZ, lex)
        self.gens = tuple(gens)
        # dmp_resultant eliminates the first variable: the same variables with y first
        self.ring_y = ring(",".join(_NAMES[-1:] + _NAMES[:-1]), sp.ZZ, lex)[0]
        self.from_dict = self.ring.from_dict

    def resultant_y(self, f: Any, g: Any) -> Any:
        return f.set_ring(self.ring_y).resultant(g.set_ring(self.ring_y)).set_ring(self.ring)

    def canonical(self, F: Any) -> Any:
        low = tuple(min(e[i] for e in F.keys()) for i in range(len(_NAMES)))
        content = math.gcd(*(int(c) for c in F.values()))
        F = self.ring.from_dict({tuple(a - b for a, b in zip(e, low)): c // content for e, c in F.items()})
        return -F if F.LC < 0 else F

    @staticmethod
    def factors(F: Any) -> list[Any]:
        return [f for f, _mult in F.factor_list()[1]]

    @staticmethod
    def terms(F: Any) -> dict[tuple[int, ...], int]:
        return {e: int(c) for e, c in F.items()}


#: the sympy rings, built once per process (sympy generates their monomial code, ~10 ms; a fixed object, no state)
_SYMPY_RING: list[_SympyRing] = []


def _ring() -> _FlintRing | _SympyRing:
    ctx = _context()
    if ctx is not None:
        return _FlintRing(ctx)
    if not _SYMPY_RING:
        _SYMPY_RING.append(_SympyRing())
    return _SYMPY_RING[0]


def remember_terms(expr: sp.Expr, m: sp.Symbol, z: sp.Symbol, terms: dict[tuple[int, int], int] | None) -> None:
    """Record the integer terms of ``expr`` (None: not an integer polynomial) for :func:`integer_terms`.

    The memo keeps the last ``TERMS_MEMO_SIZE`` expressions (oldest dropped first), so a curve built from known
    integer terms is never expanded again to read them.

    Parameters
    ----------
    expr : sympy.Expr
        The polynomial whose terms are recorded.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.
    terms : dict or None
        ``{(j, k): c}`` with :math:`expr = \\sum c\\, m^j z^k` and integer c, or None if ``expr`` is not such a
        polynomial.
    """
    # an equal key is replaced, not kept: the dict keeps its first key object, and after sympy's cache is cleared
    # the lookups carry a new (equal, not identical) object, each compared term by term (~0.2 ms on degree 13)
    _TERMS.pop((expr, m, z), None)
    if len(_TERMS) >= TERMS_MEMO_SIZE:
        del _TERMS[next(iter(_TERMS))]  # oldest first
    _TERMS[(expr, m, z)] = terms


def forget_terms() -> None:
    """Empty the memo of :func:`remember_terms` (benchmarks of a first call clear it with sympy's cache, so that no
    expression of an earlier call is read from it)."""
    _TERMS.clear()


def integer_terms(P: sp.Expr | sp.Poly, m: sp.Symbol, z: sp.Symbol) -> dict[tuple[int, int], int] | None:
    r"""``{(j, k): c}`` with :math:`P = \sum c\, m^j z^k`, integer c; None if P is not such a polynomial.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        Polynomial in ``m`` and ``z`` (a Poly must have the generators ``(m, z)``).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    dict or None
        The non-zero coefficients (remembered per expression).
    """
    if isinstance(P, sp.Poly):
        return {jk: int(c) for jk, c in P.rep.to_dict().items()} if P.domain == sp.ZZ else None
    key = (P, m, z)
    if key in _TERMS:
        return _TERMS[key]
    try:
        poly = sp.Poly(P, m, z)
    except sp.polys.polyerrors.BasePolynomialError:  # m or z in a denominator or a radical
        terms = None
    else:
        terms = {jk: int(c) for jk, c in poly.rep.to_dict().items()} if poly.domain == sp.ZZ else None
    remember_terms(P, m, z, terms)
    return terms


def is_canonical(terms: dict[tuple[int, int], int]) -> bool:
    """Whether integer terms are in the canonical form of ``as_polynomial``: no monomial factor, content 1, leading
    coefficient (highest power of m, then of z) positive.

    Parameters
    ----------
    terms : dict
        ``{(j, k): c}``, non-zero integer coefficients.

    Returns
    -------
    bool
    """
    if not terms:
        return False
    if min(j for j, _ in terms) or min(k for _, k in terms):
        return False
    return math.gcd(*terms.values()) == 1 and terms[max(terms)] > 0


def canonical_terms(terms: dict[tuple[int, int], Any]) -> dict[tuple[int, int], int] | None:
    r"""The canonical integer terms (as :func:`is_canonical`) of a polynomial with rational coefficients: denominators
    cleared, monomial factor :math:`m^a z^b` and integer content removed, leading coefficient positive.

    Parameters
    ----------
    terms : dict
        ``{(j, k): c}`` with c an ``int`` or ``fractions.Fraction`` (zeros are dropped).

    Returns
    -------
    dict or None
        The canonical terms; None when a coefficient is not an exact rational (a float, a sympy number) or all vanish.
    """
    if not all(isinstance(c, (int, Fraction)) and not isinstance(c, bool) for c in terms.values()):
        return None
    exact = {jk: Fraction(c) for jk, c in terms.items() if c != 0}
    if not exact:
        return None
    den = math.lcm(*(c.denominator for c in exact.values()))
    ints = {jk: int(c * den) for jk, c in exact.items()}
    content = math.gcd(*ints.values())
    sign = -1 if ints[max(ints)] < 0 else 1
    a, b = min(j for j, _ in ints), min(k for _, k in ints)
    return {(j - a, k - b): sign * (c // content) for (j, k), c in ints.items()}


def rational(value: Any) -> Fraction | None:
    """``value`` as a ``Fraction`` if it is an exact rational (a Python int, a sympy Integer or Rational), else None.

    Parameters
    ----------
    value : object

    Returns
    -------
    fractions.Fraction or None
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if getattr(value, "is_Rational", False):
        return Fraction(int(value.p), int(value.q))
    return None


def atoms_terms(pairs: Any) -> dict[tuple[int, int], int] | None:
    r"""Canonical integer terms of the curve of :math:`\sum_i w_i \delta_{a_i}`:
    :math:`m \prod_i (a_i - z) - \sum_i w_i \prod_{j \ne i} (a_j - z)`, in exact rational arithmetic.

    With distinct locations and non-zero masses summing to 1 the two coefficients in m are coprime (the second is
    :math:`w_i \prod_{j \ne i}(a_j - a_i) \ne 0` at each zero :math:`a_i` of the first), so the curve is irreducible
    and carries the branch :math:`m \sim -1/z`: it is the law's Stieltjes factor.

    Parameters
    ----------
    pairs : sequence of (location, mass)
        Exact values (sympy rationals or integers).

    Returns
    -------
    dict or None
        The terms; None for anything else (symbols, radicals, floats, repeated locations, masses not summing to 1),
        left to the sympy route.
    """
    exact = [(rational(a), rational(wt)) for a, wt in pairs]
    if any(a is None or wt is None for a, wt in exact):
        return None
    exact = [(a, wt) for a, wt in exact if wt != 0]
    if not exact or sum(wt for _, wt in exact) != 1 or len({a for a, _ in exact}) < len(exact):
        return None

    def times_linear(poly: list[Fraction], a: Fraction) -> list[Fraction]:
        """(a - z) poly(z), coefficients in increasing powers of z."""
        out = [a * c for c in poly] + [Fraction(0)]
        for k, c in enumerate(poly):
            out[k + 1] -= c
        return out

    den = [Fraction(1)]
    for a, _ in exact:
        den = times_linear(den, a)
    num = [Fraction(0)] * len(exact)
    for i, (_, wt) in enumerate(exact):
        part = [wt]
        for j, (a, _) in enumerate(exact):
            if j != i:
                part = times_linear(part, a)
        num = [x + y for x, y in zip(num, part)]
    terms = {(1, k): c for k, c in enumerate(den)}
    terms.update({(0, k): -c for k, c in enumerate(num)})
    return canonical_terms(terms)


def terms_expr(terms: dict[tuple[int, int], int], m: sp.Symbol, z: sp.Symbol) -> sp.Expr:
    r"""The sympy polynomial :math:`\sum c\, m^j z^k` of integer terms, its terms remembered for :func:`integer_terms`.

    The expression is the one the sympy route builds for the same polynomial (``Poly.as_expr``: the same arguments
    in the same order, so equal and hash-equal), assembled from its sorted parts: evaluating ``Add``/``Mul`` of fresh
    integers queries their assumptions, ~40 ms for a 64-term curve with 20-digit coefficients against ~1 ms here.

    Parameters
    ----------
    terms : dict
        ``{(j, k): c}``, integer coefficients.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    sympy.Expr
    """
    terms = {jk: c for jk, c in terms.items() if c != 0}
    if not terms:
        raise ValueError("terms_expr: terms must hold a non-zero coefficient, got none (the zero polynomial)")
    args, constant = [], None
    for (j, k), c in terms.items():
        powers = [v if e == 1 else sp.Pow(v, sp.Integer(e), evaluate=False) for v, e in ((m, j), (z, k)) if e]
        if not powers:
            constant = sp.Integer(c)
            continue
        _mulsort(powers)  # Mul's order of its factors, the numerical coefficient (unless 1) first
        factors = powers if c == 1 else [sp.Integer(c), *powers]
        args.append(factors[0] if len(factors) == 1 else sp.Mul._from_args(factors, is_commutative=True))
    _addsort(args)  # Add's order of its terms, the constant first
    if constant is not None:
        args.insert(0, constant)
    expr = args[0] if len(args) == 1 else sp.Add._from_args(args, is_commutative=True)
    remember_terms(expr, m, z, terms)
    return expr


def _lift(ctx: Any, terms: dict[tuple[int, int], int], slots: tuple[int, int]) -> Any:
    """The polynomial sum c_jk v_i^j v_l^k in the 5-variable context, (i, l) = slots."""
    out = {}
    for (j, k), c in terms.items():
        e = [0] * len(_NAMES)
        e[slots[0]], e[slots[1]] = j, k
        out[tuple(e)] = c
    return ctx.from_dict(out)


def _substitute(ring: Any, terms: dict[tuple[int, int], int], a: Any, b: Any, c: Any, d: Any) -> Any:
    r""":math:`\sum p_{jk} a^j b^{d_m - j} c^k d^{d_z - k}`: P(a/b, c/d) with its denominators cleared."""
    dm = max(j for j, _ in terms)
    dz = max(k for _, k in terms)
    pa, pb, pc, pd = ([v ** i for i in range(n + 1)] for v, n in ((a, dm), (b, dm), (c, dz), (d, dz)))
    out = ring.from_dict({})
    for (j, k), coeff in terms.items():
        out += coeff * pa[j] * pb[dm - j] * pc[k] * pd[dz - k]
    return out


def _canonical(F: Any) -> Any:
    """Content and monomial factor removed, positive leading coefficient in lex order (m, z, ...)."""
    F = F // F.term_content()
    return -F if F.leading_coefficient() < 0 else F


def _branch_at_infinity(terms: dict[tuple[int, int], int]) -> bool:
    # Q(1, 0) = 0 for Q(mu, t) = P(-t mu, 1/t) cleared (algebraic_curve._mu_form): the lowest-order terms in t are
    # those with j - k minimal, and mu(0) = 1 is a root when their signed coefficients cancel
    low = min(j - k for j, k in terms)
    return sum(-c if j % 2 else c for (j, k), c in terms.items() if j - k == low) == 0


def _candidates(ring: Any, F: Any, spurious: Any = None) -> list[dict[tuple[int, int], int]]:
    """Terms of the canonical irreducible factors of F (in m, z) with a branch m ~ -1/z."""
    facs = [ring.canonical(f) for f in ring.factors(F) if f.degrees()[0] > 0]
    if spurious is not None and len(facs) > 1:  # a factor the construction adds, unless it is all there is
        facs = [f for f in facs if f != spurious]
    terms = (_terms_in(ring, f, (0, 1)) for f in facs)
    return [t for t in terms if _branch_at_infinity(t)]


def stieltjes_candidates(P: sp.Expr | sp.Poly, m: sp.Symbol, z: sp.Symbol) -> list[sp.Expr] | None:
    r"""The irreducible factors of an integer polynomial that have a branch :math:`m \sim -1/z` at infinity.

    Parameters
    ----------
    P : sympy.Expr or sympy.Poly
        Polynomial in ``m`` and ``z`` (a Poly must have the generators ``(m, z)``).
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr or None
        Canonical factors, or None when FLINT does not apply.
    """
    ctx = _context()
    terms = integer_terms(P, m, z) if ctx is not None else None
    if terms is None:
        return None
    return [terms_expr(t, m, z) for t in _candidates(_FlintRing(ctx), _lift(ctx, terms, (0, 1)))]


def _r_equation(ring: Any, terms: dict) -> Any:
    # A(X, w): m = -w, z = X + 1/w = (X w + 1)/w
    _m, _z, X, w, _y = ring.gens
    return ring.canonical(_substitute(ring, terms, -w, ring.from_dict({(0,) * 5: 1}), X * w + 1, w))


def _s_equation(ring: Any, terms: dict) -> Any:
    # B(X, w): m = -w X, z = (1 + w)/(w X)
    _m, _z, X, w, _y = ring.gens
    one = ring.from_dict({(0,) * 5: 1})
    return ring.canonical(_substitute(ring, terms, -w * X, one, 1 + w, w * X))


def _terms_in(ring: Any, F: Any, slots: tuple[int, int]) -> dict[tuple[int, int], int]:
    return {(e[slots[0]], e[slots[1]]): c for e, c in ring.terms(F).items()}


def _integer_pair(P1: sp.Expr, P2: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> tuple[dict, dict] | None:
    t1 = integer_terms(P1, m, z) if _context() is not None else None
    t2 = integer_terms(P2, m, z) if t1 is not None else None
    return None if t2 is None else (t1, t2)


def _resultant_candidates(t1: dict[tuple[int, int], int], t2: dict[tuple[int, int], int], multiplicative: bool
                          ) -> list[dict[tuple[int, int], int]]:
    ring = _ring()
    gm, gz, X, w, y = ring.gens
    one = ring.from_dict({(0,) * 5: 1})
    E1, E2 = (_terms_in(ring, (_s_equation if multiplicative else _r_equation)(ring, t), (2, 3)) for t in (t1, t2))
    # S-transforms multiply (second factor y^d B2(S/y, w)), R-transforms add (A2(R - y, w))
    second = _substitute(ring, E2, X, y, w, one) if multiplicative else _substitute(ring, E2, X - y, one, w, one)
    res = _terms_in(ring, ring.resultant_y(_substitute(ring, E1, y, one, w, one), second), (2, 3))
    if not multiplicative:
        return _candidates(ring, _substitute(ring, res, gz * gm + 1, gm, -gm, one))
    unit = 1 + gz * gm
    # clearing the denominators (1 + zm)^k can leave factors 1 + zm (the equation of delta_0, a branch m ~ -1/z that
    # is not the product's): dropped, as the sympy route divides them out
    return _candidates(ring, _substitute(ring, res, gm, unit, -unit, one), spurious=unit)


def add_candidate_terms(t1: dict[tuple[int, int], int], t2: dict[tuple[int, int], int]
                        ) -> list[dict[tuple[int, int], int]]:
    r"""The factors of the curve of :math:`\mu_1 \boxplus \mu_2` that can be its Stieltjes factor, as integer terms:
    eliminate :math:`y` from :math:`A_1(y, w)` and :math:`A_2(R - y, w)`, return to :math:`(m, z)` by :math:`w = -m`,
    :math:`R = z + 1/m`, factorise and keep the factors with a branch :math:`m \sim -1/z`.

    Parameters
    ----------
    t1, t2 : dict
        Integer terms ``{(j, k): c}`` of the curves of :math:`\mu_1` and :math:`\mu_2` (:math:`\sum c\, m^j z^k`).

    Returns
    -------
    list of dict
        Terms of the canonical factors (the sympy route's candidates), computed with FLINT, or without python-flint
        with sympy's sparse integer polynomials (the same factors).

    References
    ----------
    Rao & Edelman (2008), *The polynomial method for random matrices*, Found. Comput. Math. 8.
    """
    return _resultant_candidates(t1, t2, multiplicative=False)


def mul_candidate_terms(t1: dict[tuple[int, int], int], t2: dict[tuple[int, int], int]
                        ) -> list[dict[tuple[int, int], int]]:
    r"""As :func:`add_candidate_terms`, for :math:`\mu_1 \boxtimes \mu_2`: eliminate :math:`y` from
    :math:`B_1(y, w)` and :math:`y^{d} B_2(S/y, w)`, return to :math:`(m, z)` by :math:`w = -1 - zm`,
    :math:`S = m/(1 + zm)` (Rao & Edelman 2008).

    Parameters
    ----------
    t1, t2 : dict
        The two curves' integer terms.

    Returns
    -------
    list of dict
        The candidate factors' terms.
    """
    return _resultant_candidates(t1, t2, multiplicative=True)


def add_candidates(P1: sp.Expr, P2: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> list[sp.Expr] | None:
    r"""As :func:`add_candidate_terms`, for curves given as sympy expressions (the resultant's factors without a
    branch :math:`m \sim -1/z` are never converted to sympy).

    Parameters
    ----------
    P1, P2 : sympy.Expr
        Integer polynomials in ``m`` and ``z``.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr or None
        Canonical factors (the sympy route's candidates), or None when FLINT does not apply.
    """
    pair = _integer_pair(P1, P2, m, z)
    return None if pair is None else [terms_expr(t, m, z) for t in add_candidate_terms(*pair)]


def mul_candidates(P1: sp.Expr, P2: sp.Expr, m: sp.Symbol, z: sp.Symbol) -> list[sp.Expr] | None:
    r"""As :func:`mul_candidate_terms`, for curves given as sympy expressions.

    Parameters
    ----------
    P1, P2 : sympy.Expr
        Integer polynomials in ``m`` and ``z``.
    m, z : sympy.Symbol
        The Stieltjes-transform variable and the spectral variable.

    Returns
    -------
    list of sympy.Expr or None
        Canonical factors (the sympy route's candidates), or None when FLINT does not apply.
    """
    pair = _integer_pair(P1, P2, m, z)
    return None if pair is None else [terms_expr(t, m, z) for t in mul_candidate_terms(*pair)]
