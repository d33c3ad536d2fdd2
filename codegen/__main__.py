"""``python -m codegen generate|diff|drift|bump ...``.

``generate [--out DIR] [--source PATH_OR_URL] [--api NAME]`` (the pinned APIs),
``generate --spec PATH_OR_URL --out DIR [--package NAME]`` (any Codat spec, JSON or YAML, no pin or table),
``diff EXPECTED ACTUAL``; ``drift`` and ``bump``
take their own options (``python -m codegen drift --help``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import bump, drift, source
from .diff import tree_diff
from .generate import GENERATED, GenerationError, generate, generate_spec

# Commands with their own parsers (and --help); dispatched before the parser below sees their options.
OWN_PARSERS = {"drift": drift.main, "bump": bump.main}


def main(argv: list[str] | None = None) -> int:
    args_given = sys.argv[1:] if argv is None else argv
    if args_given and args_given[0] in OWN_PARSERS:
        return OWN_PARSERS[args_given[0]](args_given[1:])
    parser = argparse.ArgumentParser(prog="python -m codegen")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="generate the pinned APIs' packages, or (--spec) a client from any spec")
    gen.add_argument("--out", type=Path, help="output directory (default: generated/; needed with --spec)")
    gen.add_argument(
        "--source",
        default=None,
        help=f"spec directory, file or URL (default: ${source.SOURCE_ENV_VAR}, ../shared/openapi, upstream URL)",
    )
    gen.add_argument("--api", action="append", help="only this API (repeatable)")
    gen.add_argument(
        "--spec", help="generate from this Codat spec instead (JSON or YAML, path or URL); needs no pin or table entry"
    )
    gen.add_argument("--package", help="with --spec: the package name (default: codat_sdk_<name from the spec title>)")
    cmp = commands.add_parser("diff", help="fail, printing the diff, if two generated trees differ")
    cmp.add_argument("expected", type=Path)
    cmp.add_argument("actual", type=Path)
    commands.add_parser("drift", help="report how upstream specs differ from the pins, in SDK terms (see drift --help)")
    commands.add_parser("bump", help="pin the upstream specs, regenerate, check, version, changelog (see bump --help)")
    args = parser.parse_args(args_given)
    if args.command == "diff":
        lines = list(tree_diff(args.expected, args.actual))
        sys.stdout.writelines(lines)
        if lines:
            print("\ngenerated/ does not match the pinned specs and templates: run `nox -s generate`.")
        return 1 if lines else 0
    if args.spec is None and args.package is not None:
        parser.error("--package needs --spec (the pinned APIs' names are fixed)")
    if args.spec is not None and (args.api or args.source):
        parser.error("--spec takes no --api or --source: it names the spec itself")
    if args.spec is not None and args.out is None:
        parser.error("--spec needs --out DIR (generated/ holds only the pinned APIs)")
    try:
        if args.spec is not None:
            package = generate_spec(args.spec, args.out, args.package)
            print(f"wrote {args.out / package.package} ({package.client}, {package.async_client})")
        else:
            out = GENERATED if args.out is None else args.out
            generate(out, args.source if args.source is not None else source.default_source(), args.api)
    except (source.SpecError, GenerationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
