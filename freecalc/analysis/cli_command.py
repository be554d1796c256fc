r"""``freecalc analyze PATH [--json | --csv | --markdown] [--plot DIR] [--tail-only]``: the per-layer table.

Registered in :mod:`freecalc.cli` by :func:`add_analyze_parser`. Output: a short aligned table (default), every
column as CSV, a Markdown table (written here: no ``tabulate`` dependency), or JSON
(``{"source", "layers": [...], "skipped": [{"name", "reason"}]}``). Bad input (missing or non-model file, an
unsupported dtype, a model with no weight matrices) is one ``freecalc: error:`` line and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

__all__ = ["add_analyze_parser", "markdown_table"]

#: columns of the default (terminal) and Markdown tables; CSV and JSON carry every column
SHORT_COLUMNS = ("name", "shape", "n_eigs", "law", "alpha", "alpha_sigma", "num_spikes", "phase", "stable_rank",
                 "log_spectral_norm", "alpha_weighted")


def add_analyze_parser(sub: Any) -> None:
    """Add the ``analyze`` sub-command to the sub-parsers ``sub`` of the ``freecalc`` parser.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The sub-parsers of the ``freecalc`` parser.
    """
    p = sub.add_parser("analyze", help="per-layer spectral table of a model (safetensors, .bin/.pt, .npz, HF dir)")
    p.add_argument("model", metavar="PATH", help="a .safetensors, .npz, .bin/.pt/.pth file or a Hugging Face model "
                   "directory")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="every column as JSON")
    fmt.add_argument("--csv", action="store_true", help="every column as CSV")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown table of the main columns")
    p.add_argument("--plot", metavar="DIR", help="write one figure per layer into DIR (needs matplotlib)")
    p.add_argument("--include-embeddings", action="store_true", help="also analyse embedding tables")
    p.add_argument("--tail-only", action="store_true", help="fit no law: eigenvalues, power-law tail α and norms "
                   "only (fast; WeightWatcher's default analysis)")
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    """Run ``freecalc analyze``. Bad input raises :class:`ModelSourceError` (a ValueError), which the ``freecalc``
    entry point reports as one ``freecalc: error:`` line with exit status 2; this module does not import
    :mod:`freecalc.cli` (no import cycle between the two).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of the sub-command.

    Returns
    -------
    int
        Exit status (0 on success).

    Raises
    ------
    ModelSourceError
        For a source that cannot be read.
    """
    from freecalc.analysis.analyze import analyze
    from freecalc.analysis.sources import ModelSourceError

    if args.plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise ModelSourceError("--plot needs matplotlib: pip install 'freecalc[plot]'") from None
    try:
        df = analyze(args.model, plot_dir=args.plot, progress=True, include_embeddings=args.include_embeddings,
                     laws=() if args.tail_only else None)
    except ImportError as exc:
        raise ModelSourceError(str(exc).splitlines()[0]) from None
    if args.json:
        payload = {"source": str(args.model), "layers": df.to_dict(orient="records"),
                   "skipped": [{"name": n, "reason": r} for n, r in df.attrs.get("skipped", [])]}
        print(json.dumps(_plain(payload), indent=2, allow_nan=False))
    elif args.csv:
        df.to_csv(sys.stdout, index=False)
    elif args.markdown:
        sys.stdout.write(markdown_table(df, SHORT_COLUMNS))
    else:
        print(df.to_string(columns=list(SHORT_COLUMNS), index=False, float_format=lambda v: f"{v:.4g}"))
        skipped = df.attrs.get("skipped", [])
        print(f"{len(df)} matrices analysed, {len(skipped)} tensors skipped (--json lists them)")
    if args.plot:
        print(f"wrote {len(df) - int((df['error'] != '').sum())} figures to {args.plot}", file=sys.stderr)
    return 0


def _plain(value: Any) -> Any:
    """JSON types: NaN → null, numpy scalars → Python numbers, containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def markdown_table(df: Any, columns: Any) -> str:
    """A GitHub-flavoured Markdown table of ``columns`` of ``df`` (numbers to 4 significant digits).

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    columns : sequence of str
        Columns to show (those absent from ``df`` are left out).

    Returns
    -------
    str
    """
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for record in df[cols].itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in record) + " |")
    return "\n".join(lines) + "\n"
