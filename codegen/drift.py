"""``python -m codegen drift``: has Codat's upstream spec moved away from our pins, and how, in SDK terms.

For each pinned API the upstream bytes are read (``--source``, ``$CODAT_SPEC_SOURCE``, ``../shared/openapi``,
else the pin's URL). Equal sha256: "unchanged". Otherwise the pinned spec is looked up by its sha256 (the
``--baseline`` paths, the local spec directories and their ``history/``, and a content-addressed cache that
``drift`` and ``bump`` fill) and the semantic diff (``codegen.apidiff``) of the two normalised specs is
reported, as Markdown on stdout and, with ``--json FILE``, as JSON.

Report-only by default: drift, or an unreadable upstream, exits 0 so that an upstream change never fails
an unrelated commit's CI. ``--strict`` (for a scheduled job) exits 1 on either.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import apidiff, config
from . import source as spec_source
from .naming import derived_names
from .normalise import normalise

CACHE_ENV_VAR = "CODAT_SPEC_CACHE"


class DriftError(Exception):
    """The command line or the repository's data files do not make sense."""


@dataclass(frozen=True)
class RepoFiles:
    """The data files of one checkout (the worktree, or a copy of it in a test)."""

    root: Path

    @property
    def pins(self) -> Path:
        return self.root / "openapi" / "pins.json"

    @property
    def overrides(self) -> Path:
        return self.root / "openapi" / "overrides.json"

    def sdk_names(self, api: str, *specs: dict[str, Any]) -> dict[str, apidiff.MethodName]:
        """operationId -> SDK method in ``specs`` (later ones win), as generation names them.

        No spec: the pinned one's, when found locally (else no names: the diff then says so per operation).
        """
        if not specs:
            pinned = find_pinned(spec_source.load_pins(self.pins)[api], (), spec_source.default_source())
            specs = () if pinned is None else (normalise(spec_source.parse_document(pinned, f"pinned {api} spec")),)
        operations = config.package_config(api, config.load_overrides(self.overrides)).operations
        names: dict[str, apidiff.MethodName] = {}
        for spec in specs:
            for operation_id, name in derived_names(spec, operations).items():
                names[operation_id] = apidiff.MethodName(name.group, name.method)
        return names


# ------------------------------------------------------------------------------------------ sources


def _is_single_spec(source: str) -> bool:
    if source.startswith(("http://", "https://")):
        return source.endswith(".json")
    return Path(source).is_file()


def upstream_locations(
    pins: dict[str, spec_source.Pin], source: str | None, apis: Sequence[str] | None
) -> dict[str, str]:
    """api -> where its upstream spec is read. One spec file applies to the one API it is named after."""
    unknown = sorted(set(apis or ()) - pins.keys())
    if unknown:
        raise DriftError(f"unknown API {', '.join(unknown)}; pinned: {', '.join(sorted(pins))}")
    selected = list(apis) if apis else sorted(pins)
    if source is None or not _is_single_spec(source):
        return {api: spec_source.location(pins[api], source, branch=True) for api in selected}
    name = source.rstrip("/").rsplit("/", 1)[-1]
    if apis and len(selected) == 1:
        return {selected[0]: source}
    matching = [api for api in selected if name.startswith(Path(pins[api].file).stem)]
    if len(matching) != 1:
        raise DriftError(f"{source} is one spec file: say which API it is with --api ({', '.join(sorted(pins))})")
    return {matching[0]: source}


# ------------------------------------------------------------------------------------------ baselines


def cache_dir() -> Path:
    """Content-addressed copies of specs we have pinned (outside the repository: never committed)."""
    configured = os.environ.get(CACHE_ENV_VAR)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "codat-sdk" / "specs"


def remember(data: bytes) -> None:
    """Keep ``data`` under its sha256 so a later diff can find it once upstream has moved on."""
    target = cache_dir() / f"{spec_source.sha256(data)}.json"
    try:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(data)
            partial.replace(target)
    except OSError as exc:  # a cache: failing to fill it must not fail the command
        print(f"note: could not cache the spec in {target.parent}: {exc}", file=sys.stderr)


def _candidate_files(places: Iterable[Path]) -> Iterable[Path]:
    for place in places:
        if place.is_file():
            yield place
        elif place.is_dir():
            yield from sorted(place.glob("*.json"))
            yield from sorted((place / "history").glob("*.json"))


def baseline_places(pin: spec_source.Pin, baselines: Sequence[str], source: str | None) -> list[Path]:
    """Where the pinned spec may still be: the cache, ``--baseline``, and the local spec directories."""
    places = [cache_dir() / f"{pin.sha256}.json", *(Path(b) for b in baselines)]
    for local in (source, os.environ.get(spec_source.SOURCE_ENV_VAR), str(spec_source.DEFAULT_LOCAL_SOURCE)):
        if local and not local.startswith(("http://", "https://")):
            path = Path(local)
            directory = path.parent if path.is_file() else path
            places.append(directory)
            if directory.name == "history":  # a dated spec given as the source: the current one is above
                places.append(directory.parent)
    return places


def find_pinned(pin: spec_source.Pin, baselines: Sequence[str], source: str | None) -> bytes | None:
    """The pinned spec's bytes from anywhere local whose sha256 matches the pin, else None."""
    for candidate in _candidate_files(baseline_places(pin, baselines, source)):
        try:
            data = candidate.read_bytes()
        except OSError:
            continue
        if spec_source.sha256(data) == pin.sha256:
            return data
    return None


# ------------------------------------------------------------------------------------------ the check


@dataclass(frozen=True)
class Upstream:
    """One API's upstream spec as read, with the diff against its pin (None when nothing to diff)."""

    pin: spec_source.Pin
    location: str
    data: bytes
    spec: dict[str, Any]
    report: apidiff.ApiReport


def check_api(
    repo: RepoFiles, pin: spec_source.Pin, location: str, baselines: Sequence[str], source: str | None
) -> Upstream:
    """Read ``pin``'s upstream spec at ``location`` and diff it against the pinned one."""
    data = spec_source.read_bytes(location)
    upstream_sha = spec_source.sha256(data)
    spec = spec_source.parse_document(data, location)
    version = str(spec["info"].get("version"))
    if upstream_sha == pin.sha256:
        remember(data)
        report = apidiff.ApiReport(pin.api, location, pin.sha256, upstream_sha, pin.version, version, [])
        return Upstream(pin, location, data, spec, report)
    pinned = find_pinned(pin, baselines, source)
    if pinned is None:
        looked = ", ".join(str(place) for place in baseline_places(pin, baselines, source))
        note = (
            f"the pinned spec (sha256 {pin.sha256}) was not found (looked in {looked}, and history/ "
            "beside each directory); pass --baseline PATH to a copy of it"
        )
        report = apidiff.ApiReport(pin.api, location, pin.sha256, upstream_sha, pin.version, version, None, note)
        return Upstream(pin, location, data, spec, report)
    remember(pinned)
    try:
        old, new = normalise(spec_source.parse_document(pinned, f"pinned {pin.api} spec")), normalise(spec)
        changes: list[apidiff.Change] | None = apidiff.api_diff(old, new, repo.sdk_names(pin.api, old, new))
        note = ""
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # A spec shape the normaliser or the diff does not know yet: still report the drift itself.
        changes, note = None, f"the semantic diff failed ({type(exc).__name__}: {exc}); compare the specs by hand"
    report = apidiff.ApiReport(pin.api, location, pin.sha256, upstream_sha, pin.version, version, changes, note)
    return Upstream(pin, location, data, spec, report)


def drift(
    repo: RepoFiles, source: str | None, apis: Sequence[str] | None = None, baselines: Sequence[str] = ()
) -> list[Upstream]:
    pins = spec_source.load_pins(repo.pins)
    return [
        check_api(repo, pins[api], location, baselines, source)
        for api, location in upstream_locations(pins, source, apis).items()
    ]


def json_report(reports: Iterable[apidiff.ApiReport]) -> dict[str, Any]:
    listed = list(reports)
    return {"drift": any(r.drifted for r in listed), "apis": [r.to_json() for r in listed]}


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        default=None,
        help=f"upstream spec directory, file or URL (default: ${spec_source.SOURCE_ENV_VAR}, "
        "../shared/openapi, the pins' URLs)",
    )
    parser.add_argument(
        "--api", action="append", help="only this API (repeatable; needed for a file not named Codat-<API>...)"
    )
    parser.add_argument(
        "--baseline",
        action="append",
        default=[],
        help="a file or directory holding the currently pinned spec, if it is no longer upstream (repeatable)",
    )


def main(argv: Sequence[str], root: Path = spec_source.ROOT) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen drift", description=__doc__)
    add_common_arguments(parser)
    parser.add_argument("--strict", action="store_true", help="exit 1 on drift or an unreadable upstream")
    parser.add_argument(
        "--json", type=Path, help="also write the report as JSON to this file ('-': only JSON, to stdout)"
    )
    args = parser.parse_args(argv)
    source = args.source if args.source is not None else spec_source.default_source()
    try:
        results = drift(RepoFiles(root), source, args.api, args.baseline)
    except (spec_source.SpecError, DriftError) as exc:
        print(f"drift check could not run: {exc}", file=sys.stderr)
        return 1 if args.strict or isinstance(exc, DriftError) else 0
    reports = [result.report for result in results]
    drifted = [r.api for r in reports if r.drifted]
    as_json = json.dumps(json_report(reports), indent=2) + "\n"
    if str(args.json) == "-":
        sys.stdout.write(as_json)
        return 1 if args.strict and drifted else 0
    sys.stdout.write(apidiff.markdown(reports))
    if args.json is not None:
        args.json.write_text(as_json, encoding="utf-8")
    if drifted:
        print(f"\nupstream moved for {', '.join(drifted)}: read the diff above, then `nox -s bump`.")
    return 1 if args.strict and drifted else 0
