"""``python -m benchmarks [--smoke] [--out PATH]``: run every case and write the results table."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from . import impls
from .impls import CODAT, FLOOR, SDK, Implementation
from .sandbox import SandboxCalls

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
MIB = 1024 * 1024
IMPORT_HTTPX = "`import httpx` alone (fresh interpreter)"


@dataclass(frozen=True)
class Sizes:
    """How much each case does; ``--smoke`` shrinks everything to prove the harness runs."""

    first_call_samples: int = 11
    rounds: int = 15
    heavy_rounds: int = 9  # the 5000-company cases
    process_rounds: int = 3  # upload, download, pagination
    get_one_calls: int = 100
    list_calls: int = 10
    decode_small_calls: int = 50
    small_page: int = 100
    big_page: int = 5000
    concurrent_calls: int = 50
    concurrent_rounds: int = 9
    slow_ms: float = 200.0
    upload_files: int = 20
    upload_mib: int = 10
    download_mib: int = 200
    paged_total: int = 100_000
    paged_page_size: int = 5000


SMOKE = Sizes(
    first_call_samples=1,
    rounds=1,
    heavy_rounds=1,
    process_rounds=1,
    get_one_calls=2,
    list_calls=1,
    decode_small_calls=1,
    small_page=10,
    big_page=50,
    concurrent_calls=5,
    concurrent_rounds=1,
    slow_ms=10.0,
    upload_files=2,
    upload_mib=1,
    download_mib=2,
    paged_total=120,
    paged_page_size=50,
)


@dataclass(frozen=True)
class Target:
    limit: float
    absolute: bool = False  # compared with this SDK's own value (MiB), not with its ratio to the floor
    against: str = ""  # a reference case (its floor median) replacing this case's floor, e.g. `import httpx`

    def __str__(self) -> str:
        if self.absolute:
            return f"≤ {self.limit:g} MB"
        return f"≤ {self.limit:g}x " + (self.against or "floor")


@dataclass
class Case:
    name: str
    unit: str  # "s" or "MiB"
    target: Target | None = None
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # per implementation: why there is no number

    def add(self, impl: str, value: float) -> None:
        self.samples.setdefault(impl, []).append(value)

    def median(self, impl: str) -> float | None:
        values = self.samples.get(impl)
        return statistics.median(values) if values else None

    def ratio(self, impl: str) -> float | None:
        value, floor = self.median(impl), self.median(FLOOR)
        return value / floor if value is not None and floor else None

    def met(self, reference: Case | None) -> bool | None:
        """Whether this SDK meets the target (None: no target or no measurement)."""
        sdk = self.median(SDK)
        if self.target is None or sdk is None:
            return None
        if self.target.absolute:
            return sdk <= self.target.limit
        base = reference.median(FLOOR) if reference is not None else self.median(FLOOR)
        return base is not None and sdk / base <= self.target.limit


def _interleaved(keys: list[str], rounds: int) -> Iterator[tuple[int, str]]:
    """Every round runs each implementation once, starting one further along each time (no order bias)."""
    for number in range(rounds):
        shift = number % len(keys)
        for key in keys[shift:] + keys[:shift]:
            yield number, key


def _per_call(call: Callable[[], object], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls


@contextmanager
def canned_server(sizes: Sizes) -> Iterator[str]:
    """The server in its own process; it exits when its stdin closes."""
    command = [
        *(sys.executable, "-m", "benchmarks.server"),
        *("--total", str(sizes.paged_total), "--slow-ms", str(sizes.slow_ms)),
        *("--download-mb", str(sizes.download_mib)),
    ]
    server = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None and server.stdin is not None
        line = server.stdout.readline().decode()
        if not line.startswith("READY "):
            raise RuntimeError(f"the benchmark server did not start (exit code {server.wait(timeout=10)})")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _child(case: str, impl: str, url: str, *extra: str) -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.child", case, impl, url, *extra]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


class Bench:
    def __init__(self, sizes: Sizes, url: str, codat_missing: str | None) -> None:
        self.sizes = sizes
        self.url = url
        self.codat_missing = codat_missing
        self.keys = [FLOOR, SDK] if codat_missing else [FLOOR, SDK, CODAT]
        self.cases: list[Case] = []

    def case(self, name: str, unit: str = "s", target: Target | None = None) -> Case:
        case = Case(name, unit, target)
        if self.codat_missing:
            case.notes[CODAT] = "not installed"
        self.cases.append(case)
        return case

    def first_call(self) -> None:
        sizes = self.sizes
        httpx_only = self.case(IMPORT_HTTPX)
        timing = self.case(
            "import + construct + first call (fresh interpreter)", target=Target(2.0, against="`import httpx`")
        )
        rss = self.case("peak RSS after the first call", unit="MiB")
        keys = ["import_httpx", *self.keys]
        for key in keys:  # one unmeasured run each: byte-compiles and warms the OS file cache
            _child("first_call", key, self.url)
        for _, key in _interleaved(keys, sizes.first_call_samples):
            result = _child("first_call", key, self.url)
            if key == "import_httpx":
                httpx_only.add(FLOOR, result["seconds"])
                continue
            timing.add(key, result["seconds"])
            rss.add(key, result["peak_rss_kib"] / 1024)
        httpx_only.notes.update({SDK: "", CODAT: ""})

    def in_process(self) -> None:
        sizes = self.sizes
        raw_small = httpx.get(f"{self.url}/companies", params={"pageSize": sizes.small_page}).content
        raw_big = httpx.get(f"{self.url}/companies", params={"pageSize": sizes.big_page}).content
        built = {key: impls.build(key, self.url) for key in self.keys}
        for implementation in built.values():  # connections open, modules imported
            implementation.get_one()
            implementation.list_page(sizes.small_page)
        plan: list[tuple[Case, int, Callable[[Implementation], Callable[[], object]], int]] = [
            (self.case("GET one company", target=Target(1.10)), sizes.rounds, lambda i: i.get_one, sizes.get_one_calls),
            (
                self.case(f"list {sizes.small_page} companies", target=Target(1.5)),
                sizes.rounds,
                lambda i: lambda: i.list_page(sizes.small_page),
                sizes.list_calls,
            ),
            (
                self.case(f"decode a {sizes.small_page}-company page in memory", target=Target(2.5)),
                sizes.rounds,
                lambda i: lambda: i.decode(raw_small),
                sizes.decode_small_calls,
            ),
            (
                self.case(f"decode a {sizes.big_page}-company page in memory", target=Target(2.5)),
                sizes.heavy_rounds,
                lambda i: lambda: i.decode(raw_big),
                1,
            ),
            (
                self.case(f"{sizes.big_page}-company page end to end", target=Target(2.0)),
                sizes.heavy_rounds,
                lambda i: lambda: i.list_page(sizes.big_page),
                1,
            ),
        ]
        for case, rounds, make, calls in plan:
            for _, key in _interleaved(self.keys, rounds):
                case.add(key, _per_call(make(built[key]), calls))
        concurrent = self.case(
            f"{sizes.concurrent_calls} concurrent async calls to a {sizes.slow_ms:g} ms endpoint", target=Target(1.1)
        )
        for _, key in _interleaved(self.keys, sizes.concurrent_rounds):
            gc.collect()
            concurrent.add(key, asyncio.run(built[key].gather_slow(sizes.concurrent_calls)))
        paged = self.case(f"iterate {sizes.paged_total:,} companies, pages of {sizes.paged_page_size}")
        for _, key in _interleaved(self.keys, sizes.process_rounds):
            gc.collect()
            start = time.perf_counter()
            seen = built[key].paginate(sizes.paged_page_size)
            paged.add(key, time.perf_counter() - start)
            if seen != sizes.paged_total:
                raise RuntimeError(f"{key} iterated {seen} companies, expected {sizes.paged_total}")
        for implementation in built.values():
            implementation.close()

    def sandbox(self) -> None:
        """Calls in process through ``codat_sdk.testing.Sandbox``'s transport, against a MockTransport floor."""
        sizes = self.sizes
        through_sdk = self.case("sandbox: GET one company in process, this SDK (floor: httpx MockTransport)")
        through_raw = self.case("sandbox: GET one company in process, raw httpx (floor: httpx MockTransport)")
        for case in (through_sdk, through_raw):
            case.notes[CODAT] = "n/a: measured for this SDK"
        calls = SandboxCalls()
        try:
            for call in calls.calls().values():  # warm: modules imported, route tables loaded
                call()
            chosen = {"floor": calls.floor, "sdk": calls.sdk_on_sandbox, "raw": calls.raw_on_sandbox}
            for _, key in _interleaved(list(chosen), sizes.rounds):
                seconds = _per_call(chosen[key], sizes.get_one_calls)
                if key == "floor":
                    through_sdk.add(FLOOR, seconds)
                    through_raw.add(FLOOR, seconds)
                else:
                    (through_sdk if key == "sdk" else through_raw).add(SDK, seconds)
        finally:
            calls.close()

    def transfers(self) -> None:
        sizes = self.sizes
        keys = [FLOOR, SDK]
        no_files = "n/a: no Files API in codat-platform"
        upload = self.case(
            f"upload {sizes.upload_files} x {sizes.upload_mib} MB: peak RSS growth", unit="MiB", target=Target(10, True)
        )
        upload_time = self.case(f"upload {sizes.upload_files} x {sizes.upload_mib} MB: time")
        download = self.case(f"download {sizes.download_mib} MB: peak RSS growth", unit="MiB", target=Target(10, True))
        download_time = self.case(f"download {sizes.download_mib} MB: time")
        for case in (upload, upload_time, download, download_time):
            case.notes[CODAT] = no_files
        with tempfile.TemporaryDirectory(prefix="codat-bench-") as directory:
            block = bytes(range(256)) * (MIB // 256)
            for number in range(sizes.upload_files):
                with open(os.path.join(directory, f"statement-{number:02}.pdf"), "wb") as file:
                    for _ in range(sizes.upload_mib):
                        file.write(block)
            for _, key in _interleaved(keys, sizes.process_rounds):
                result = _child("upload", key, self.url, directory)
                upload.add(key, result["rss_growth_kib"] / 1024)
                upload_time.add(key, result["seconds"])
                result = _child("download", key, self.url)
                download.add(key, result["rss_growth_kib"] / 1024)
                download_time.add(key, result["seconds"])


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (
        f"{os.cpu_count()} CPUs ({_cpu_model()}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, httpx {httpx.__version__}; load average at start {load}"
    )


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "MiB":
        return f"{value:.1f} MB"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    return f"{value * 1e6:.3g} µs"


def _ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else ""


def table(bench: Bench, started: datetime, seconds: float, smoke: bool) -> str:
    codat = impls.NAMES[CODAT]
    lines = [
        "# Benchmark results" + (" (smoke run: tiny sizes, one sample; not a measurement)" if smoke else ""),
        "",
        f"`nox -s bench` on {started:%Y-%m-%d %H:%M} UTC, {seconds:.0f} s in all. Machine: {machine()}.",
        "",
        "Medians of interleaved samples; x is the ratio to the floor (raw httpx + json.loads) in the same run.",
        "Targets apply to this SDK; RSS growth targets are absolute. Method, and what limits the targets not met:",
        "[README.md](README.md).",
    ]
    if bench.codat_missing:
        lines += ["", f"**codat-platform: {bench.codat_missing}.**"]
    lines += [
        "",
        f"| case | floor | this SDK | x | target | met | {codat} | x |",
        "| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    by_name = {case.name: case for case in bench.cases}
    for case in bench.cases:
        sdk_value, sdk_ratio = case.median(SDK), case.ratio(SDK)
        reference = by_name.get(IMPORT_HTTPX) if case.target is not None and case.target.against else None
        met = {None: "", True: "yes", False: "**no**"}[case.met(reference)]
        if reference is not None and sdk_value is not None and reference.median(FLOOR):
            met += f" ({sdk_value / (reference.median(FLOOR) or 1):.2f}x)"
        show_ratio = case.unit != "MiB"
        codat_cell = case.notes.get(CODAT) or _format(case.median(CODAT), case.unit)
        sdk_cell = case.notes.get(SDK, _format(sdk_value, case.unit))
        lines.append(
            f"| {case.name} | {_format(case.median(FLOOR), case.unit)} | {sdk_cell} | "
            f"{_ratio(sdk_ratio) if show_ratio else ''} | {case.target or ''} | {met} | {codat_cell} | "
            f"{_ratio(case.ratio(CODAT)) if show_ratio and CODAT not in case.notes else ''} |"
        )
    samples = {case.name: {k: len(v) for k, v in case.samples.items()} for case in bench.cases}
    lines += ["", "Samples per case: " + "; ".join(f"{n}: {max(s.values(), default=0)}" for n, s in samples.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="every case once, tiny sizes (proves the harness)")
    parser.add_argument(
        "--out", type=Path, default=None, help=f"where to write the table (default {RESULTS}; a smoke run writes none)"
    )
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    # A smoke run is no measurement: it must never replace the committed results.
    out: Path | None = args.out if args.out is not None or args.smoke else RESULTS
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with canned_server(sizes) as url:
        bench = Bench(sizes, url, impls.codat_platform_missing())
        bench.first_call()
        bench.in_process()
        bench.sandbox()
        bench.transfers()
    text = table(bench, started, time.perf_counter() - clock, args.smoke)
    print(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
