"""``python -m codegen generate [--out DIR] [--source PATH_OR_URL] [--api NAME]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import source
from .diff import tree_diff
from .generate import GENERATED, GenerationError, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="generate the packages from the pinned specs")
    gen.add_argument("--out", type=Path, default=GENERATED, help="output directory (default: generated/)")
    gen.add_argument(
        "--source",
        default=None,
        help=f"spec directory, file or URL (default: ${source.SOURCE_ENV_VAR}, ../shared/openapi, upstream URL)",
    )
    gen.add_argument("--api", action="append", help="only this API (repeatable)")
    cmp = commands.add_parser("diff", help="fail, printing the diff, if two generated trees differ")
    cmp.add_argument("expected", type=Path)
    cmp.add_argument("actual", type=Path)
    args = parser.parse_args(argv)
    if args.command == "diff":
        lines = list(tree_diff(args.expected, args.actual))
        sys.stdout.writelines(lines)
        if lines:
            print("\ngenerated/ does not match the pinned specs and templates: run `nox -s generate`.")
        return 1 if lines else 0
    try:
        generate(args.out, args.source if args.source is not None else source.default_source(), args.api)
    except (source.SpecError, GenerationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
