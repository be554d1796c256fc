"""The public API carries numpydoc sections (the API reference renders them with mkdocstrings, numpy style).

The rule is applied to every name in ``freecalc.__all__`` and to every object the API reference renders
(each ``::: dotted.path`` in ``docs/api/*.md``; for a module, its ``__all__``, else the public functions and classes
it defines):

* a **function** taking parameters has a ``Parameters`` section naming every parameter of its signature
  (``*args``/``**kwargs`` may be written with or without their stars; ``a, b : float`` names both), and a
  ``Returns`` (or ``Yields``) section unless it returns ``None`` -- it returns ``None`` when its return annotation
  says so, or, unannotated, when its source has no ``return <value>`` and no ``yield``;
* a **class** has a summary line, and a ``Parameters`` section (in the class docstring, or in ``__init__``'s, which
  mkdocstrings merges) naming every constructor parameter. A law (a :class:`freecalc.Law` subclass) names its
  declared parameters (``cls.parameters``; ``size`` is documented once, on ``Law``). Enums, and exceptions
  without their own ``__init__``, need only the summary line;
* every **public method** of an exported class (a name not starting with ``_``, defined in a ``freecalc`` module,
  possibly on a base class -- each function is checked once, where it is defined) follows the function rule; an
  override without a docstring inherits its base's (``inspect.getdoc``) but is checked against its own signature.
  A public **property** needs a summary line.

The same rule also covers every public definition (a function or class defined in the module, not starting with
``_``, and the public methods of such a class) of the modules under ``DOCUMENTED_PACKAGES``: those are documented
throughout, and a new function there must be too. The list must grow until it is the whole package.

``KNOWN_MISSING`` lists the definitions that do not follow the rule yet: it must only shrink (a test fails when a
listed name has become compliant, so the list is kept exact).
"""
from __future__ import annotations

import ast
import enum
import importlib
import inspect
import itertools
import pkgutil
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import freecalc as fc

API_DOCS = Path(__file__).resolve().parents[1] / "docs" / "api"

# Modules (and packages, with their submodules) whose every public definition follows the rule.
DOCUMENTED_PACKAGES = (
    "freecalc.analysis", "freecalc.continuation", "freecalc.covariance", "freecalc.information",
    "freecalc.matrices", "freecalc.sampling", "freecalc.plotting", "freecalc._frontend", "freecalc._demo",
    "freecalc.testing", "freecalc.symbolic", "freecalc.numerics.quadrature", "freecalc.numerics.series",
    *(f"freecalc.laws.{m}" for m in (
        "semicircle", "marchenko_pastur", "kesten_mckay", "wachter", "free_meixner", "quadratic", "discrete",
        "empirical", "algebraic", "numeric", "decompressed", "inverse_htmp", "shifted_free_meixner", "symbolic_face",
        "stats_vocabulary", "distances", "decompressed_piece", "transform_series", "hook_calls", "numeric_quadrature")),
)

# Definitions that do not follow the rule yet (fitting, functionals, laws/base.py, laws/htmp.py, laws/extension.py,
# numerics/solvers.py, operations): this set must shrink to empty; test_known_missing_is_exact fails as soon as a
# listed name is documented, so that it is removed here.
KNOWN_MISSING: set[str] = {
    "freecalc.fitting.options.FitOptions",
    "freecalc.fitting.options.OptimizerOptions",
    "freecalc.fitting.options.PhaseOptions",
    "freecalc.fitting.options.SpikeOptions",
    "freecalc.fitting.options.TailOptions",
    "freecalc.fitting.result.FitResult",
    "freecalc.fitting.result.FitResult.law_name",
    "freecalc.fitting.result.RankEntry",
    "freecalc.functionals.Estimate",
    "freecalc.functionals.condition_number",
    "freecalc.functionals.extreme_eigenvalues",
    "freecalc.functionals.lambda_max",
    "freecalc.functionals.lambda_min",
    "freecalc.functionals.logdet",
    "freecalc.functionals.slogdet",
    "freecalc.functionals.trace",
    "freecalc.functionals.trace_inverse",
    "freecalc.laws.base.Law.cauchy",
    "freecalc.laws.base.Law.cdf",
    "freecalc.laws.base.Law.continuous_rule",
    "freecalc.laws.base.Law.decompress",
    "freecalc.laws.base.Law.free_cumulant",
    "freecalc.laws.base.Law.free_cumulants",
    "freecalc.laws.base.Law.matrix",
    "freecalc.laws.base.Law.mean",
    "freecalc.laws.base.Law.moment",
    "freecalc.laws.base.Law.moments",
    "freecalc.laws.base.Law.pdf",
    "freecalc.laws.base.Law.ppf",
    "freecalc.laws.base.Law.replace",
    "freecalc.laws.base.Law.rvs",
    "freecalc.laws.base.Law.std",
    "freecalc.laws.base.Law.stieltjes",
    "freecalc.laws.base.Law.var",
    "freecalc.laws.base.Law.with_size",
    "freecalc.laws.extension.Kernels.atoms",
    "freecalc.laws.htmp.HTMP.continuous_rule",
    "freecalc.laws.htmp.HTMP.fit_boundary_note",
    "freecalc.laws.htmp.HTMP.inverse_moment",
    "freecalc.laws.htmp.HTMP.sample_eigenvalues",
    "freecalc.laws.htmp.HTMP.sf",
    "freecalc.laws.inverse_htmp.InverseHTMP.fit_boundary_note",
    "freecalc.numerics.solvers.SolverStatus",
    "freecalc.operations.decompression_core.DecompressionReport",
    "freecalc.operations.model_check.ModelCheck",
}

_HEADING = re.compile(r"^\s*-{3,}\s*$")


def sections(doc: str) -> dict[str, list[str]]:
    """Split a cleaned numpydoc docstring into ``{heading: lines}`` (the summary part is under ``""``)."""
    lines = doc.splitlines()
    out: dict[str, list[str]] = {"": []}
    current = ""
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i].strip() and _HEADING.match(lines[i + 1]) and not _HEADING.match(lines[i]):
            current = lines[i].strip()
            out[current] = []
            i += 2
            continue
        out[current].append(lines[i])
        i += 1
    return out


def documented_names(block: list[str]) -> set[str]:
    """Parameter names of a ``Parameters`` section: unindented entry lines ``a, b : type`` (or just ``a``)."""
    names: set[str] = set()
    text = textwrap.dedent("\n".join(block))
    for line in text.splitlines():
        if not line.strip() or line[0].isspace():
            continue
        head = line.split(" : ", 1)[0].rstrip(":")
        names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


def _returns_value(func: Callable[..., Any]) -> bool:
    """Whether the function returns something other than ``None`` (annotation first, then its source)."""
    ann = inspect.signature(func).return_annotation
    if ann is None or ann == "None":
        return False
    if ann is not inspect.Signature.empty:
        return True
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(inspect.unwrap(func))))
    except (OSError, TypeError, SyntaxError):
        return True
    fn = tree.body[0]
    for node in ast.walk(fn):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not fn:
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            return True
    return False


def _check_params(doc: str, expected: list[str]) -> list[str]:
    problems = []
    if expected:
        sec = sections(doc)
        if "Parameters" not in sec:
            return [f"no Parameters section (parameters: {', '.join(expected)})"]
        missing = [p for p in expected if p not in documented_names(sec["Parameters"])]
        if missing:
            problems.append(f"Parameters section does not name {', '.join(missing)}")
    return problems


def check_function(func: Callable[..., Any], *, skip_first: bool) -> list[str]:
    """Problems of one function or method under the rule of the module docstring ([] when compliant)."""
    doc = inspect.getdoc(func) or ""
    if not doc.strip():
        return ["no docstring"]
    params = list(inspect.signature(func).parameters.values())
    if skip_first and params:
        params = params[1:]
    problems = _check_params(doc, [p.name for p in params])
    if _returns_value(func) and not ({"Returns", "Yields"} & sections(doc).keys()):
        problems.append("no Returns section")
    return problems


def _is_law(cls: type) -> bool:
    return isinstance(cls, type) and issubclass(cls, fc.Law)


def _own_init(cls: type) -> bool:
    return any("__init__" in vars(k) for k in cls.__mro__ if k.__module__.startswith("freecalc"))


def check_class(cls: type) -> list[str]:
    """Problems of a class docstring: summary line and the constructor's ``Parameters``."""
    doc = cls.__dict__.get("__doc__") or ""
    if not doc.strip() or doc.startswith(cls.__name__ + "("):  # dataclasses generate "Name(field: type, ...)"
        return ["no class docstring"]
    doc = inspect.cleandoc(doc)
    if not doc.splitlines()[0].strip():
        return ["no summary line"]
    if _is_law(cls):
        expected = [p.name for p in cls.parameters]
    elif issubclass(cls, enum.Enum) or (issubclass(cls, BaseException) and not _own_init(cls)):
        expected = []
    else:
        try:
            expected = [p.name for p in inspect.signature(cls).parameters.values()]
        except (TypeError, ValueError):
            expected = []
    init_doc = inspect.getdoc(cls.__init__) if "__init__" in vars(cls) else ""
    return _check_params(doc + "\n\n" + (init_doc or ""), expected)


def _public_methods(cls: type) -> Iterator[tuple[str, type, Any]]:
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        for klass in cls.__mro__:
            if name in vars(klass):
                yield name, klass, vars(klass)[name]
                break


def _resolve(path: str) -> Any:
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


def api_objects() -> Iterator[tuple[str, Any]]:
    """``(name, object)`` for ``freecalc.__all__`` and for what ``docs/api/*.md`` renders."""
    for name in fc.__all__:
        yield name, getattr(fc, name)
    for md in sorted(API_DOCS.glob("*.md")):
        for path in re.findall(r"^:::\s*(\S+)", md.read_text(), flags=re.M):
            obj = _resolve(path)
            if inspect.ismodule(obj):
                names = getattr(obj, "__all__", None) or [
                    n for n, v in vars(obj).items() if not n.startswith("_")
                    and (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == obj.__name__]
                for n in names:
                    yield f"{path}.{n}", getattr(obj, n)
            else:
                yield path, obj


def _documented_modules() -> Iterator[Any]:
    for name in DOCUMENTED_PACKAGES:
        mod = importlib.import_module(name)
        yield mod
        for info in pkgutil.walk_packages(getattr(mod, "__path__", []), name + "."):
            yield importlib.import_module(info.name)


def module_objects() -> Iterator[tuple[str, Any]]:
    """``(name, object)`` for every public function and class defined in the modules of ``DOCUMENTED_PACKAGES``."""
    for mod in _documented_modules():
        for n, v in vars(mod).items():
            if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v)) and v.__module__ == mod.__name__:
                yield f"{mod.__name__}.{n}", v


def public_definitions() -> Iterator[tuple[str, Callable[[], list[str]]]]:
    """``(qualified name, check)`` for every definition the rule covers, each once."""
    seen: set[str] = set()
    for name, obj in itertools.chain(api_objects(), module_objects()):
        if inspect.isclass(obj):
            key = f"{obj.__module__}.{obj.__qualname__}"
            if key not in seen:
                seen.add(key)
                yield key, (lambda c=obj: check_class(c))
            if issubclass(obj, enum.Enum):
                continue
            for mname, klass, attr in _public_methods(obj):
                if not klass.__module__.startswith("freecalc"):
                    continue
                mkey = f"{klass.__module__}.{klass.__qualname__}.{mname}"
                if mkey in seen:
                    continue
                if isinstance(attr, property):
                    seen.add(mkey)
                    yield mkey, (lambda a=attr, c=klass, n=mname:
                                 [] if (inspect.getdoc(getattr(c, n, None)) or a.__doc__ or "").strip()
                                 else ["property without docstring"])
                elif isinstance(attr, (staticmethod, classmethod)) or inspect.isfunction(attr):
                    seen.add(mkey)
                    func = attr.__func__ if isinstance(attr, (staticmethod, classmethod)) else attr
                    skip = not isinstance(attr, staticmethod)
                    yield mkey, (lambda c=klass, n=mname, f=func, s=skip:
                                 check_function(_bound_doc(c, n, f), skip_first=s))
        elif callable(obj):
            key = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', name)}"
            if key not in seen:
                seen.add(key)
                yield key, (lambda f=obj: check_function(f, skip_first=False))


def _bound_doc(cls: type, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    # inspect.getdoc finds an inherited docstring only through the class attribute, not the bare function
    if func.__doc__ is None:
        inherited = inspect.getdoc(getattr(cls, name))
        if inherited:
            def proxy(*args: Any, **kwargs: Any) -> Any:  # signature and source stay those of the override
                return func(*args, **kwargs)
            proxy.__doc__ = inherited
            proxy.__wrapped__ = func  # type: ignore[attr-defined]
            return proxy
    return func


DEFINITIONS = dict(public_definitions())


def failures() -> dict[str, list[str]]:
    return {key: probs for key, check in DEFINITIONS.items() if (probs := check())}


def test_rule_covers_the_public_api():
    # the walk reaches functions, classes and methods (a walk that silently stopped would pass trivially)
    assert "freecalc.operations.decompression.decompress" in DEFINITIONS
    assert "freecalc.laws.base.Law.pdf" in DEFINITIONS
    assert "freecalc.laws.semicircle.Semicircle" in DEFINITIONS
    assert "freecalc.continuation.pade.fit_rational" in DEFINITIONS  # from DOCUMENTED_PACKAGES
    assert "freecalc.plotting.plot_tail" in DEFINITIONS  # from docs/api/plotting.md
    assert len(DEFINITIONS) > 500


def test_public_api_has_numpydoc_sections():
    bad = {k: v for k, v in failures().items() if k not in KNOWN_MISSING}
    report = "\n".join(f"{k}: {'; '.join(v)}" for k, v in sorted(bad.items()))
    assert not bad, f"{len(bad)} public definitions lack numpydoc sections:\n{report}"


def test_known_missing_is_exact():
    stale = sorted(KNOWN_MISSING - failures().keys())
    assert not stale, f"now documented, remove from KNOWN_MISSING: {stale}"


def test_checker_catches_a_missing_section():
    def documented(a, b=1):
        """Sum.

        Parameters
        ----------
        a, b : int
            Terms.

        Returns
        -------
        int
        """
        return a + b

    def undocumented(a, *, scale):
        """Sum without sections."""
        return a * scale

    def returns_nothing(a):
        """Print.

        Parameters
        ----------
        a : object
        """
        print(a)

    assert check_function(documented, skip_first=False) == []
    assert check_function(returns_nothing, skip_first=False) == []
    problems = check_function(undocumented, skip_first=False)
    assert any("no Parameters" in p for p in problems) and any("Returns" in p for p in problems)


def test_checker_catches_a_class_without_constructor_parameters():
    class Documented:
        """A thing.

        Parameters
        ----------
        size : int
            How big.
        """

        def __init__(self, size):
            self.size = size

    class Undocumented:
        """A thing without sections."""

        def __init__(self, size):
            self.size = size

    class NoDocstring:
        def __init__(self, size):
            self.size = size

    assert check_class(Documented) == []
    assert any("no Parameters" in p for p in check_class(Undocumented))
    assert check_class(NoDocstring) == ["no class docstring"]
