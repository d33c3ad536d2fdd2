"""Cases that need a fresh interpreter per sample: ``python -m benchmarks.child CASE IMPL URL [ARG]``.

Prints one JSON line: ``seconds`` and the RSS figures in KiB. Nothing beyond ``sys``, ``time`` and
``resource`` is imported before the measured part, so an implementation's import cost is its own.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

API_KEY = "bench-api-key"
AUTH_HEADER = "Basic YmVuY2gtYXBpLWtleQ=="  # base64 of API_KEY
COMPANY_ID = "8a210b68-6988-11ed-a1eb-0242ac120002"
CONNECTION_ID = "2e9d2c44-f675-40ba-8049-353bfcb5e171"


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> int:
    """The current RSS (KiB), after resetting the kernel's peak to it where Linux allows."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # resets VmHWM, the peak RSS, to the current RSS
    except OSError:
        pass
    return _status_kib("VmRSS") or _peak_rss_kib()


def _peak_since_reset_kib() -> int:
    return _status_kib("VmHWM") or _peak_rss_kib()


def first_call(impl: str, url: str) -> dict[str, Any]:
    """Import, construct a client and make the first call (GET one company)."""
    start = time.perf_counter()
    if impl == "import_httpx":
        import httpx
    elif impl == "floor":
        import json

        import httpx

        http = httpx.Client(headers={"Authorization": AUTH_HEADER, "Accept": "application/json"})
        json.loads(http.get(f"{url}/companies/{COMPANY_ID}").content)
    elif impl == "sdk":
        from uuid import UUID

        from codat_sdk_platform import CodatPlatform

        from codat_sdk import RetryConfig

        sdk = CodatPlatform(api_key=API_KEY, server_url=url, retry_config=RetryConfig("none"))
        sdk.companies.get(company_id=UUID(COMPANY_ID))
    else:
        import httpx
        from codat_platform import CodatPlatform as CodatsPlatform
        from codat_platform.models import shared

        codat = CodatsPlatform(security=shared.Security(auth_header=AUTH_HEADER), server_url=url, client=httpx.Client())
        codat.companies.get(request={"company_id": COMPANY_ID})
    seconds = time.perf_counter() - start
    # VmHWM starts afresh at exec; ru_maxrss would keep the peak of the forking parent.
    return {"seconds": seconds, "peak_rss_kib": _status_kib("VmHWM") or _peak_rss_kib()}


def _files_client(impl: str, url: str) -> Any:
    if impl == "floor":
        import httpx

        return httpx.Client(headers={"Authorization": AUTH_HEADER})
    from codat_sdk_files import CodatFiles

    from codat_sdk import RetryConfig

    return CodatFiles(api_key=API_KEY, server_url=url, retry_config=RetryConfig("none"))


def upload(impl: str, url: str, directory: str) -> dict[str, Any]:
    """Upload every file of ``directory``, one request each; RSS growth over the client's resting state."""
    import os

    paths = sorted(os.path.join(directory, name) for name in os.listdir(directory))
    client = _files_client(impl, url)
    target = f"{url}/companies/{COMPANY_ID}/connections/{CONNECTION_ID}/files"
    if impl == "floor":
        client.get(f"{url}/companies/{COMPANY_ID}")  # the connection is open before the baseline
    else:
        client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=b"warm-up")
    before = _reset_peak_rss()
    start = time.perf_counter()
    for path in paths:
        if impl == "floor":
            with open(path, "rb") as file:
                client.post(target, files={"file": (os.path.basename(path), file, "application/octet-stream")})
        else:
            client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_growth_kib": max(0, _peak_since_reset_kib() - before)}


def download(impl: str, url: str) -> dict[str, Any]:
    """Stream the download through, counting bytes; RSS growth over the client's resting state."""
    client = _files_client(impl, url)
    if impl == "floor":
        client.get(f"{url}/companies/{COMPANY_ID}")  # the connection is open before the baseline
    else:
        client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=b"warm-up")
    before = _reset_peak_rss()
    start = time.perf_counter()
    received = 0
    if impl == "floor":
        with client.stream("GET", f"{url}/companies/{COMPANY_ID}/files/download") as response:
            for chunk in response.iter_bytes():
                received += len(chunk)
    else:
        with client.files.download_files(COMPANY_ID) as download:
            for chunk in download.iter_bytes():
                received += len(chunk)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_growth_kib": max(0, _peak_since_reset_kib() - before), "bytes": received}


def main(argv: list[str]) -> None:
    case, impl, url, *rest = argv
    if case == "first_call":
        result = first_call(impl, url)
    elif case == "upload":
        result = upload(impl, url, rest[0])
    elif case == "download":
        result = download(impl, url)
    else:
        raise SystemExit(f"unknown case {case!r}")
    import json

    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
