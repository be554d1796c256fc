r"""The ``freecalc`` command line (also ``python -m freecalc``).

Subcommands
-----------
``freecalc demo [--plot out.png]``
    A short tour: a few laws (support, atoms, moments, m(z)), an exact free convolution, and decompressions.
``freecalc decompress MATRIX.npy --sample 2048 --to 50000 [--repeats 5] [--floor X] [--no-check] [--plot out.png] [--json]``
    Spectrum of a large symmetric matrix from random principal submatrices (:func:`freecalc.decompress_matrix`):
    support, log-determinant, extreme eigenvalues and condition number, with 90 % bands (repeats' spread and the
    model self-check error). When the self-check fails, one ``WARNING: ...`` line goes to stderr (exit status 0).
``freecalc fit DATA [--law htmp] [--json]``
    Fit a spectral law to eigenvalues (1-D data) or to a matrix (2-D data) in ``.npy``, ``.txt`` or ``.csv``.
``freecalc law "free_add(Semicircle(2), MarchenkoPastur(0.5))" [--density] [--plot out.png] [--json]``
    Evaluate a law expression (safely: :mod:`freecalc.expressions`, never ``eval``) and describe the law.
``freecalc analyze MODEL.safetensors [--json | --csv | --markdown] [--plot DIR]``
    Per-layer spectral table of a model (:func:`freecalc.analyze`; see :mod:`freecalc.analysis.cli_command`).

Bad input (missing file, non-square matrix, unknown name, parse error, invalid parameter) prints one line
``freecalc: error: ...`` on stderr and exits with status 2; a computation that fails exits with status 1. Set the
environment variable ``FREECALC_DEBUG=1`` to get the traceback instead.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from freecalc._data_files import load_array  # importable from here too: it is in __all__
from freecalc._frontend import (  # CLIError and describe_law stay importable from here: they are in __all__
    EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CLIError, _first_line, _fmt, _fmt_intervals, _print_description, _try,
    describe_law,
)

__all__ = ["main", "build_parser", "CLIError", "describe_law", "load_array"]

# ----------------------------------------------------------------------------------------------------------------
# helpers: JSON, printing
# ----------------------------------------------------------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    """Plain JSON types from numbers, arrays, tuples, laws and Estimates (non-finite floats become null)."""
    from freecalc.laws.base import Law

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (complex, np.complexfloating)):
        return {"re": _jsonable(value.real), "im": _jsonable(value.imag)}
    if isinstance(value, Law):
        return repr(value)
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _emit_json(payload: dict[str, Any]) -> None:
    print(json.dumps(_jsonable(payload), indent=2, allow_nan=False))


def _progress(iterable: Any, *, total: int, desc: str, enabled: bool) -> Any:
    """A tqdm progress bar on stderr (hidden when stderr is not a terminal or when disabled)."""
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=None, leave=False)


def _density_grid(law: Any, points: int) -> tuple[np.ndarray, np.ndarray]:
    """x grid across the support (and atoms), with the density of the continuous part."""
    from freecalc.plotting import plot_range  # pure numpy; importing it does not import matplotlib

    lo, hi = plot_range(law)
    x = np.linspace(lo, hi, points)
    return x, np.asarray(law.pdf(x), dtype=float)


def _save_figure(ax_or_fig: Any, path: str) -> None:
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(f"wrote {path}", file=sys.stderr)


def _check_plot_target(path: str | None) -> None:
    if path is None:
        return
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise CLIError(f"cannot write the plot {path!r}: the directory {str(parent)!r} does not exist")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise CLIError("--plot needs matplotlib: pip install 'freecalc[plot]'") from None


# ----------------------------------------------------------------------------------------------------------------
# freecalc law
# ----------------------------------------------------------------------------------------------------------------
def _cmd_law(args: argparse.Namespace) -> int:
    from freecalc.expressions import parse_expression

    _check_plot_target(args.plot)
    law = parse_expression(args.expression)
    info = describe_law(law, z=_parse_complex(args.z))
    if args.density:
        x, y = _density_grid(law, args.points)
        info["density"] = {"x": x, "pdf": y}
    if args.json:
        _emit_json(info)
    else:
        _print_description(info)
        if args.density:
            print("  density (continuous part):")
            print("        x            pdf")
            for xi, yi in zip(info["density"]["x"], info["density"]["pdf"]):
                print(f"  {xi:12.6g}  {yi:12.6g}")
    if args.plot:
        from freecalc import plotting

        _save_figure(plotting.plot_density(law), args.plot)
    return EXIT_OK


def _parse_complex(text: str) -> complex:
    t = text.replace(" ", "").replace("i", "j")
    if t.endswith("j") and (len(t) == 1 or t[-2] in "+-"):
        t = t[:-1] + "1j"  # "i", "1+i", "-i"
    try:
        value = complex(t)
    except ValueError:
        raise CLIError(f"--z {text!r} is not a complex number (write e.g. 1+0.5j)") from None
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        raise CLIError(f"--z {text!r} must be finite")
    return value


# ----------------------------------------------------------------------------------------------------------------
# freecalc decompress
# ----------------------------------------------------------------------------------------------------------------
def _band(est: Any) -> dict[str, Any]:
    """An :class:`~freecalc.functionals.Estimate` as JSON: value, band (repeats' spread and model error), repeats."""
    if est is None:
        return {"value": None, "low": None, "high": None, "model_error": None, "replicates": []}
    return {"value": float(est), "low": est.low, "high": est.high, "model_error": est.bias,
            "replicates": list(est.repeats) or [float(est)]}


def _functionals(law: Any, n: int) -> dict[str, Any]:
    from freecalc import functionals as F

    out: dict[str, Any] = {}
    out["logdet"] = _try(lambda: F.logdet(law, n))
    lo_hi = _try(lambda: F.extreme_eigenvalues(law, n))
    out["lambda_min"], out["lambda_max"] = lo_hi if lo_hi is not None else (None, None)
    out["condition_number"] = _try(lambda: F.condition_number(law, n))
    return out


def _cmd_decompress(args: argparse.Namespace) -> int:
    import warnings

    import freecalc as fc

    _check_plot_target(args.plot)
    A = load_array(args.matrix, mmap=True)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise CLIError(f"{args.matrix!r} must hold a square symmetric matrix, got shape {A.shape}")
    n_full = A.shape[0]
    n_s = args.sample
    from freecalc.operations.matrix_decompression import MIN_SAMPLE as lowest

    n = n_full if args.to is None else args.to
    if n < n_s <= n_full:
        raise CLIError(f"--to {n} is smaller than --sample {n_s}: decompression goes from a submatrix to a larger "
                       f"matrix")
    if not lowest <= n_s <= n_full:
        raise CLIError(f"--sample {n_s} is outside the allowed range [{lowest}, {n_full}] (the matrix is "
                       f"{n_full}×{n_full}; the model self-check needs at least {lowest} rows)")
    with warnings.catch_warnings():
        # a failed model check is printed below as one WARNING line, not as a Python warning
        warnings.simplefilter("ignore", fc.ModelCheckWarning)
        law = fc.decompress_matrix(A, n_s, to=n, repeats=args.repeats, rng=args.seed, check=not args.no_check,
                                   floor=args.floor)
    report = law.decompression_report
    check = report.model_check
    laws = list(report.repeats) or [law]
    est = _functionals(law, n)
    result: dict[str, Any] = {
        "matrix": str(args.matrix), "n": n_full, "sample": n_s, "target": n, "factor": n / n_s,
        "repeats": args.repeats, "seed": args.seed, "floor": args.floor,
        "support": [list(ab) for ab in law.support] if args.repeats == 1 else
        [[list(ab) for ab in lw.support] for lw in laws],
        "model_check": {"passed": check.passed, "statistic": check.statistic, "threshold": check.threshold,
                        "route": check.route, "route_statistics": dict(check.route_statistics),
                        "reason": check.reason},
    }
    keys = ("logdet", "lambda_min", "lambda_max", "condition_number")
    for key in keys:
        result[key] = _band(est[key])
    if args.json:
        _emit_json(result)
    else:
        print(f"decompression of {args.matrix} ({n_full}×{n_full}): {args.repeats} random {n_s}×{n_s} "
              f"principal submatrices → n = {n} (factor {n / n_s:.4g}), {check.route or 'free'} route")
        print(f"  support            {_fmt_intervals(law.support)}" + ("  (central repeat)" if args.repeats > 1
                                                                          else ""))
        labels = {"logdet": "log|det|", "lambda_min": "λ_min", "lambda_max": "λ_max",
                  "condition_number": "condition number"}
        for key in keys:
            b = result[key]
            band = f"  [90 % band: {_fmt(b['low'])}, {_fmt(b['high'])}]" if b["low"] is not None else ""
            print(f"  {labels[key]:<18} {_fmt(b['value'])}{band}")
        if check.passed is not None:
            per_route = ", ".join(f"{r} {_fmt(v, 3)}" for r, v in check.route_statistics)
            print(f"  model check        {'passed' if check.passed else 'FAILED'}: self-check KS {per_route} "
                  f"(threshold {_fmt(check.threshold, 3)})")
    if check.passed is False:
        print(f"WARNING: model check {check.reason}", file=sys.stderr)
    if args.plot:
        from freecalc import plotting

        eigs = np.linalg.eigvalsh(fc.random_principal_submatrix(A, n_s, args.seed).matrix)
        _save_figure(plotting.plot_decompression(law, source=eigs), args.plot)
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------------
# freecalc fit
# ----------------------------------------------------------------------------------------------------------------
def _while_running(func: Callable[[], Any], *, desc: str, enabled: bool) -> Any:
    """Run ``func`` with a ticking tqdm bar on stderr (elapsed time; hidden when stderr is not a terminal).

    For library calls that report no progress themselves (a fit with a parametric bootstrap refits the law many
    times): the work runs in a worker thread, the bar ticks in this one.
    """
    if not enabled:
        return func()
    import threading

    from tqdm.auto import tqdm

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = func()
        except BaseException as err:  # noqa: BLE001 - re-raised in the calling thread
            box["error"] = err

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    with tqdm(desc=desc, file=sys.stderr, disable=None, leave=False, bar_format="{desc}: {elapsed}") as bar:
        while thread.is_alive():
            thread.join(0.25)
            bar.update(0)
            bar.refresh()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _cmd_example(args: argparse.Namespace) -> int:
    from freecalc.example_matrices import EXAMPLES, ExampleKind, example_matrix

    out = Path(args.out)
    if out.suffix != ".npy":
        raise CLIError(f"OUT must end in .npy (numpy.save format, memory-mapped by `freecalc decompress`), got {out}")
    A = example_matrix(args.kind, args.n, ratio=args.ratio, rng=args.seed)
    np.save(out, A)
    print(f"wrote {out}: {args.n}x{args.n} {args.kind} example ({EXAMPLES[ExampleKind(args.kind)].description})")
    print(f"try: freecalc decompress {out} --sample {max(8, args.n // 4)} --repeats 3 "
          f"(and compare with numpy.linalg.eigvalsh)")
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    import freecalc as fc

    _check_plot_target(args.plot)
    data = load_array(args.data)
    kwargs: dict[str, Any] = {"bootstrap": args.bootstrap, "rng": args.seed}
    if args.law is not None:
        from freecalc.fitting.families import family_named

        try:
            kwargs["law"] = family_named(args.law).law
        except ValueError as err:
            raise CLIError(f"{err} (for --law)") from None
    if args.subsample is not None:
        if data.ndim != 2:
            raise CLIError("--subsample needs a matrix (2-D data), not eigenvalues")
        kwargs["subsample"] = args.subsample
    values = np.asarray(data, dtype=float)
    result = _while_running(lambda: fc.fit(values, **kwargs), desc="fitting" + (
        f" ({args.bootstrap} bootstrap refits)" if args.bootstrap else ""), enabled=True)
    summary = result.to_dict() if callable(getattr(result, "to_dict", None)) else {}
    summary["family"] = summary.get("law", type(result.law).__name__)
    summary["law"] = repr(result.law)
    summary["data"] = str(args.data)
    summary["shape"] = list(data.shape)
    if args.json:
        _emit_json(summary)
    else:
        print(f"{args.data} ({'×'.join(str(s) for s in data.shape)}): {result.law!r}")
        print(str(result))
    if args.plot:
        _save_figure(_fit_figure(result, values), args.plot)
    return EXIT_OK


def _fit_figure(result: Any, data: np.ndarray) -> Any:
    """ESD vs the fitted law, and the log–log tail with α when the data have a tail."""
    import matplotlib.pyplot as plt

    from freecalc import plotting
    from freecalc.fitting.data import spectrum_from

    eigs = spectrum_from(data).values if data.ndim == 2 else np.sort(data)
    has_tail = getattr(result, "alpha", None) is not None
    fig, axes = plt.subplots(1, 2 if has_tail else 1, figsize=(12 if has_tail else 6.4, 4.2), squeeze=False)
    plotting.plot_esd(eigs, result.law, axes[0, 0], law_label=f"fit: {result.law!r}")
    if has_tail:
        plotting.plot_tail(eigs, result.alpha, result.xmin, axes[0, 1])
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------------------------------
# freecalc demo
# ----------------------------------------------------------------------------------------------------------------
def _cmd_demo(args: argparse.Namespace) -> int:
    from freecalc import _demo

    plot = args.plot
    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:  # the demo degrades: the report is the main job, the figure a bonus
            print("freecalc: note: matplotlib is not installed, so no plot is written (pip install "
                  "'freecalc[plot]')", file=sys.stderr)
            plot = None
        else:
            _check_plot_target(plot)
    report = _demo.run(seed=args.seed)
    if args.json:
        _emit_json(report.as_dict())
    else:
        print(report.text())
    if plot:
        _save_figure(_demo.figure(report), plot)
    return EXIT_OK


# ----------------------------------------------------------------------------------------------------------------
# parser and entry point
# ----------------------------------------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse that reports errors as one line (``freecalc: error: ...``) with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        words = self.prog.split()[1:]  # "freecalc decompress" -> ["decompress"]
        raise CLIError(f"{' '.join(words)}: {message}" if words else message)


def _int_at_least(minimum: int, what: str, maximum: int | None = None, why: str = "") -> Callable[[str], int]:
    """An argparse type: an integer in [minimum, maximum], with a one-line message otherwise."""

    def parse(text: str) -> int:
        if len(text) > 60:  # int() of a 10^5-digit string is slow; such a number is never meant
            raise argparse.ArgumentTypeError(f"{text[:20]!r}... is not a sensible integer")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} must be a {what} integer")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{value} is too large: at most {maximum} is allowed{why}")
        return value

    return parse


_positive_int = _int_at_least(1, "positive")
_nonnegative_int = _int_at_least(0, "non-negative")
#: grid points for ``law --density``: the table is printed, and 10^4 rows already resolve any density in the plot
MAX_POINTS = 10_000
#: parametric-bootstrap refits: each refit is a full fit; 10^4 gives a p-value to ±0.005, more only costs hours
MAX_BOOTSTRAP = 10_000
_points = _int_at_least(1, "positive", MAX_POINTS, " (the grid is printed; 10000 points resolve any density)")
_bootstrap = _int_at_least(0, "non-negative", MAX_BOOTSTRAP, " (each refit is a full fit)")
_seed = _int_at_least(0, "non-negative", 2 ** 128 - 1, " (numpy seeds are below 2**128)")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the ``freecalc`` command.

    Returns
    -------
    argparse.ArgumentParser
    """
    from freecalc import __version__

    parser = _Parser(prog="freecalc", description="Symbolic-numeric free probability: spectral laws, free "
                     "convolution, free decompression and spectral fitting.")
    parser.add_argument("--version", action="version", version=f"freecalc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("demo", help="a short tour: laws, a free convolution, decompressions")
    p.add_argument("--plot", metavar="OUT.png", help="also write a figure (needs matplotlib)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("decompress", help="spectrum of a large matrix from random principal submatrices")
    p.add_argument("matrix", metavar="MATRIX.npy", help="a square symmetric matrix saved with numpy.save "
                   "(memory-mapped, only the sampled entries are read)")
    p.add_argument("--sample", type=_positive_int, default=2048, help="submatrix size n_s (default 2048)")
    p.add_argument("--to", type=_positive_int, default=None, help="target size n (default: the matrix size)")
    p.add_argument("--repeats", type=_positive_int, default=1, help="independent submatrices; > 1 gives 90 %% "
                   "bands (default 1)")
    p.add_argument("--seed", type=int, default=None, help="random seed")
    p.add_argument("--floor", type=float, default=None, help="known lower bound of the spectrum (e.g. a ridge σ "
                   "of K + σI); must not exceed the smallest sampled eigenvalue")
    p.add_argument("--no-check", action="store_true", help="skip the model self-check (decompressing random "
                   "halves of each submatrix back to n_s)")
    p.add_argument("--plot", metavar="OUT.png", help="also write a figure (needs matplotlib)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_decompress)

    p = sub.add_parser("fit", help="fit a spectral law to eigenvalues or a matrix")
    p.add_argument("data", metavar="EIGS_OR_MATRIX", help=".npy, .txt or .csv: 1-D = eigenvalues, 2-D = matrix")
    p.add_argument("--law", default=None, help="law to fit (e.g. mp, htmp, inversehtmp); default: choose by BIC")
    p.add_argument("--bootstrap", type=_bootstrap, default=0, help="parametric-bootstrap refits for the KS "
                   f"p-value (default 0: none; at most {MAX_BOOTSTRAP})")
    p.add_argument("--subsample", type=_positive_int, default=None, help="fit a random principal submatrix of "
                   "this size (matrices only)")
    p.add_argument("--seed", type=_seed, default=None, help="random seed (bootstrap, subsampling)")
    p.add_argument("--plot", metavar="OUT.png", help="also write a figure (needs matplotlib)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("example", help="write an example matrix (.npy) to try decompress and fit on")
    p.add_argument("out", metavar="OUT.npy", help="output file (numpy.save format)")
    p.add_argument("--kind", choices=["covariance", "time-series", "wishart", "wigner", "kernel"], default="covariance",
                   help="covariance (default: heavy-tailed correlated sample covariance), wishart, wigner, or kernel "
                   "(a low-dimensional RBF kernel, where the model check fails), time-series (AR(1) covariance)")
    p.add_argument("--n", type=_positive_int, default=4000, help="size (default 4000, at most 32768)")
    p.add_argument("--ratio", type=float, default=0.5, help="n/p for the covariance kinds (default 0.5)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.set_defaults(func=_cmd_example)

    p = sub.add_parser("law", help="evaluate a law expression and describe the law")
    p.add_argument("expression", help='e.g. "free_add(Semicircle(2), MarchenkoPastur(0.5))"')
    p.add_argument("--density", action="store_true", help="print the density on a grid")
    p.add_argument("--points", type=_points, default=21, help=f"grid points for --density (default 21, at most "
                   f"{MAX_POINTS})")
    p.add_argument("--z", default="1j", help="point where m(z) is printed (default 1j)")
    p.add_argument("--plot", metavar="OUT.png", help="also write a figure (needs matplotlib)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd_law)

    from freecalc.analysis.cli_command import add_analyze_parser  # the sub-command lives with fc.analyze

    add_analyze_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``freecalc`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 success, 1 failed computation, 2 bad input.
    """
    debug = os.environ.get("FREECALC_DEBUG", "") not in ("", "0")
    try:
        parser = build_parser()
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        if getattr(args, "func", None) is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return int(args.func(args))
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    except CLIError as err:
        _report(str(err), debug)
        return err.status
    except KeyboardInterrupt:
        print("freecalc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader closed the pipe (`freecalc ... | head`): stop quietly, as the Python docs recommend
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except OverflowError as err:
        # math's OverflowError reads "(34, 'Numerical result out of range')": say what it means
        detail = _first_line(err)
        detail = "" if detail.startswith("(34,") else f": {detail}"
        _report(f"numeric overflow (a number is too large for double precision{detail}); use smaller values", debug)
        return EXIT_USAGE
    except (ValueError, TypeError, ZeroDivisionError) as err:
        # invalid parameters, unknown names, wrong argument types: the user's input -- except a decompression
        # that gives no probability measure, which is a (well-defined) failure of the computation asked for
        _report(_first_line(err), debug)
        from freecalc.operations.decompression import DecompressionError

        return EXIT_FAILURE if isinstance(err, DecompressionError) else EXIT_USAGE
    except (NotImplementedError, ArithmeticError, RuntimeError, MemoryError, OSError) as err:
        _report(f"{type(err).__name__}: {_first_line(err)}", debug)
        return EXIT_FAILURE
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        _report(f"internal error ({type(err).__name__}): {_first_line(err)}", debug)
        return EXIT_FAILURE


def _report(message: str, debug: bool) -> None:
    if debug:
        raise
    print(f"freecalc: error: {message}", file=sys.stderr)
