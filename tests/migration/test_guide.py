"""Each row of the README's migration guide, both sides: "Codat's SDK" against the real codat-platform 6.0.0
and codat-files 0.34.0 (installed by ``real_sdks``, run in a subprocess), "this SDK" against ours.

Every row of the README's table has an entry here and every entry a row (the first cell is the key), so a
row cannot be added unchecked. Codat's side is Python run with their packages (and ours) importable:
``s`` is a ``CodatPlatform``, ``f`` a ``CodatFiles``; it asserts.
"""

from __future__ import annotations

import base64
import inspect
import io
import json
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import Company, Links

import codat_sdk
from codat_sdk import (
    APIConnectionError,
    APIStatusError,
    BackoffStrategy,
    BinaryResponse,
    CodatError,
    File,
    HookContext,
    NotFoundError,
    RequestValidationError,
    ResponseValidationError,
    RetryConfig,
)
from codegen.source import ROOT
from tests.conftest import API_KEY, COMPANY_ID, CONNECTION_ID, Recorder, companies_json, company_json
from tests.migration.real_sdks import run_with_real_sdks
from tests.spec_facts import normalised

README = (ROOT / "README.md").read_text(encoding="utf-8")

THEIR_SETUP = """
import base64, dataclasses, importlib.util, inspect, pathlib, warnings
import requests
import codat_platform
from codat_platform import CodatPlatform
from codat_platform.models import errors, shared
from codatfiles import CodatFiles
from codatfiles.models import operations
from codatfiles.models import shared as files_shared
s = CodatPlatform(security=shared.Security(auth_header="Basic a2V5"))
f = CodatFiles(security=files_shared.Security(auth_header="Basic a2V5"))
def params(method):
    return set(inspect.signature(method).parameters)
def fields(model):
    return set(model.model_fields) if hasattr(model, "model_fields") else {x.name for x in dataclasses.fields(model)}
"""

# Runs each row's snippet in a fresh namespace after THEIR_SETUP; prints {row: error or None} as JSON.
DRIVER = """
import json, sys, traceback
rows = json.loads(sys.stdin.read())
results = {}
for key, code in rows.items():
    namespace = {}
    try:
        exec(SETUP + code, namespace)
        results[key] = None
    except BaseException:
        results[key] = traceback.format_exc(limit=3)[-1500:]
print(json.dumps(results))
"""


@dataclass(frozen=True)
class Row:
    theirs: str
    ours: Callable[[], None]


def _recorded(status: int = 200, **kwargs: Any) -> tuple[Recorder, CodatPlatform]:
    recorder = Recorder(status, **kwargs)
    return recorder, CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder)))


def _files(recorder: Recorder) -> CodatFiles:
    return CodatFiles(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder)))


# --- this SDK's side, one function per row ---------------------------------------------------------------


def ours_import() -> None:
    assert CodatPlatform.__module__.startswith("codat_sdk_platform")


def ours_files_import() -> None:
    assert inspect.iscoroutinefunction(AsyncCodatFiles(api_key=API_KEY).files.list_files)
    assert isinstance(CodatFiles(api_key=API_KEY)._http, httpx.Client)


def ours_security() -> None:
    recorder, codat = _recorded(json=company_json())
    codat.companies.get(COMPANY_ID)
    assert recorder.last.headers["authorization"] == "Basic " + base64.b64encode(API_KEY.encode()).decode()
    recorder = Recorder(json=company_json())
    CodatPlatform(auth_header="Basic x", client=httpx.Client(transport=httpx.MockTransport(recorder))).companies.get(
        COMPANY_ID
    )
    assert recorder.last.headers["authorization"] == "Basic x"


def ours_list() -> None:
    recorder, codat = _recorded(json=companies_json())
    codat.companies.list(page=1, page_size=100)
    assert recorder.last.url.params == httpx.QueryParams({"page": "1", "pageSize": "100"})


def ours_body() -> None:
    recorder, codat = _recorded(json=company_json())
    codat.companies.create(body={"name": "x"})
    assert json.loads(recorder.last.content) == {"name": "x"}
    with pytest.raises(RequestValidationError):
        codat.companies.create(body={"nme": "x"})
    assert "body" in inspect.signature(codat.companies.create).parameters


def ours_path_and_body() -> None:
    recorder, codat = _recorded(json={"id": str(CONNECTION_ID)})
    for body in ({"platformKey": "gbol"}, {"platform_key": "gbol"}):
        with pytest.raises(ResponseValidationError):  # the recorder's answer is not a Connection: never mind
            codat.connections.create(str(COMPANY_ID), body=body)
        assert json.loads(recorder.last.content) == {"platformKey": "gbol"}
        assert recorder.last.url.path == f"/companies/{COMPANY_ID}/connections"


def ours_unlink() -> None:
    recorder, codat = _recorded(json={})
    with pytest.raises(ResponseValidationError):
        codat.connections.unlink(company_id=COMPANY_ID, connection_id=CONNECTION_ID)
    assert json.loads(recorder.last.content) == {"status": "Unlinked"}


def ours_ids() -> None:
    recorder, codat = _recorded(json=company_json())
    codat.companies.get(str(COMPANY_ID))
    codat.companies.get(COMPANY_ID)
    with pytest.raises(ValueError, match="company_id"):
        codat.companies.get("not-a-uuid")
    assert len(recorder.requests) == 2


def ours_upload() -> None:
    recorder = Recorder(200, content=b"")
    _files(recorder).files.upload_files(COMPANY_ID, CONNECTION_ID, file=File(io.BytesIO(b"%PDF"), "a.pdf"))
    assert b'filename="a.pdf"' in recorder.last.content


def ours_list_and_download() -> None:
    recorder = Recorder(200, json=[])
    assert _files(recorder).files.list_files(COMPANY_ID) == []
    recorder = Recorder(200, content=b"zip")
    with _files(recorder).files.download_files(COMPANY_ID) as download:
        assert isinstance(download, BinaryResponse)
        assert download.read() == b"zip"


def ours_files_errors() -> None:
    recorder = Recorder(404, json={"statusCode": 404, "error": "no company"})
    with pytest.raises(NotFoundError):
        _files(recorder).files.list_files(COMPANY_ID)


def ours_async() -> None:
    codat = AsyncCodatPlatform(api_key=API_KEY)
    assert inspect.iscoroutinefunction(codat.companies.list)
    assert hasattr(AsyncCodatPlatform, "__aenter__")
    sync_methods = {name for name in dir(CodatPlatform(api_key=API_KEY).companies) if not name.startswith("_")}
    assert sync_methods == {name for name in dir(codat.companies) if not name.startswith("_")}


def ours_per_call() -> None:
    recorder, codat = _recorded(json=company_json())
    codat.companies.get(COMPANY_ID, extra_headers={"X-Request-Id": "r-1"}, timeout=5)
    assert recorder.last.headers["x-request-id"] == "r-1"
    parameters = inspect.signature(codat.companies.get).parameters
    assert {"extra_headers", "timeout"} <= set(parameters)
    assert not {"http_headers", "timeout_ms"} & set(parameters)


def ours_client_timeout() -> None:
    assert CodatPlatform(api_key=API_KEY, timeout=30).timeout == 30


def ours_url_params() -> None:
    servers = normalised("platform")["servers"]
    assert servers and not any("variables" in server or "{" in server["url"] for server in servers)
    assert CodatPlatform(api_key=API_KEY, server_idx=0).server_url == servers[0]["url"]
    assert "url_params" not in inspect.signature(CodatPlatform).parameters


def ours_retry_config() -> None:
    RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 3_600_000), True)  # the same positional arguments


def ours_retry_defaults() -> None:
    assert RetryConfig() == RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 3_600_000), True)


def ours_errors() -> None:
    assert issubclass(APIStatusError, CodatError)
    assert issubclass(NotFoundError, APIStatusError)


def ours_no_response() -> None:
    assert issubclass(APIConnectionError, CodatError)
    assert issubclass(codat_sdk.APITimeoutError, APIConnectionError)
    assert issubclass(ResponseValidationError, CodatError)


def ours_error_attributes() -> None:
    error_body = {"statusCode": 404, "error": "Not found", "correlationId": "c-1", "service": "PublicApi"}
    _, codat = _recorded(404, json=error_body)
    with pytest.raises(NotFoundError) as caught:
        codat.companies.get(COMPANY_ID)
    error = caught.value
    assert error.error_message is not None and error.error_message.correlation_id == "c-1"
    assert error.correlation_id == "c-1"
    assert "Not found" in str(error)
    assert isinstance(error.response, httpx.Response)
    assert (error.status_code, json.loads(error.body), error.headers["content-type"]) == (
        404,
        error_body,
        "application/json",
    )


def ours_links() -> None:
    _, codat = _recorded(json=companies_json())
    page = codat.companies.list()
    assert isinstance(page.links, Links)
    assert {"next_", "self_"} <= set(Links._json_fields.values())


def ours_to_dict() -> None:
    company = Company.from_dict(company_json(lastSync="2022-10-23T00:00:00Z"))
    assert "lastSync" in company.to_dict()


def ours_list_all() -> None:
    _, codat = _recorded(json=companies_json())
    assert [company.id for company in codat.companies.list_all(max_items=1)] == [COMPANY_ID]


def ours_query() -> None:
    from codat_sdk_platform.queries import CompanyQuery

    recorder, codat = _recorded(json=companies_json())
    codat.companies.list(query=CompanyQuery.name.contains("Toft"))
    codat.companies.list(query="name~Toft")
    assert [request.url.params["query"] for request in recorder.requests] == ["name~Toft", "name~Toft"]


def ours_cors() -> None:
    recorder, codat = _recorded(json={"allowedOrigins": []})
    with pytest.warns(DeprecationWarning, match=r"settings\.get\(\)"):
        codat.cors.get()
    with pytest.warns(DeprecationWarning, match=r"settings\.set\(\)"):
        codat.cors.set(body={"allowedOrigins": ["https://example.com"]})
    assert recorder.last.url.path == "/connectionManagement/corsSettings"


def ours_zapier() -> None:
    from codegen import source

    assert not hasattr(CodatPlatform(api_key=API_KEY).webhooks, "rotate_zapier_key")
    spec = source.load_pinned(source.load_pins()["platform"], source.default_source())  # raw: not normalised
    assert spec["paths"]["/webhooks/integrationKeys/zapier"]["post"].get("x-speakeasy-ignore") is True


def ours_clients() -> None:
    CodatPlatform(api_key=API_KEY, client=httpx.Client())
    AsyncCodatPlatform(api_key=API_KEY, client=httpx.AsyncClient())
    assert "async_client" not in inspect.signature(CodatPlatform).parameters


def ours_debug_logger() -> None:
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("tests.migration.debug")
    logger.setLevel(logging.DEBUG)
    handler = Collect()
    logger.addHandler(handler)
    try:
        recorder = Recorder(json=company_json())
        http = httpx.Client(transport=httpx.MockTransport(recorder))
        CodatPlatform(api_key=API_KEY, client=http, debug_logger=logger).companies.get(COMPANY_ID)
    finally:
        logger.removeHandler(handler)
    assert records
    assert all(API_KEY not in record.getMessage() for record in records)


def ours_hooks() -> None:
    _, codat = _recorded(json=company_json())
    seen: list[str] = []

    @codat.hooks.before_request
    def trace(request: httpx.Request, context: HookContext) -> None:
        seen.append(context.operation.id)

    codat.companies.get(COMPANY_ID)
    assert seen == ["get-company"]


# --- the rows: the README's first cell -> Codat's side (code) and ours ------------------------------------

ROWS: dict[str, Row] = {
    "`from codat_platform import CodatPlatform`": Row(
        "assert codat_platform.CodatPlatform is CodatPlatform", ours_import
    ),
    "`from codatfiles import CodatFiles` (on `requests`, no async)": Row(
        "assert importlib.util.find_spec('codat_files') is None\n"
        "assert isinstance(f.sdk_configuration.client, requests.Session)\n"
        "assert not [name for name in dir(f.files) if name.endswith('_async')]\n"
        "assert not any(inspect.iscoroutinefunction(getattr(f.files, n)) for n in ('upload_files', 'list_files'))",
        ours_files_import,
    ),
    '`CodatPlatform(security=shared.Security(auth_header="Basic ..."))`': Row(
        "assert 'security' in params(CodatPlatform)\nassert fields(shared.Security) == {'auth_header'}", ours_security
    ),
    '`s.companies.list(request={"page": 1, "page_size": 100})`': Row(
        "from codat_platform.api.companies import ListCompaniesRequest\n"
        "assert {'page', 'page_size'} <= fields(ListCompaniesRequest)\n"
        "assert 'request' in params(s.companies.list)",
        ours_list,
    ),
    '`request=` on body operations: `s.companies.create(request={"name": "x"})`': Row(
        "assert 'request' in params(s.companies.create)\n"
        "from codat_platform.models.shared.companyrequestbody import CompanyRequestBody\n"
        "assert CompanyRequestBody.model_validate({'name': 'x'}).name == 'x'",
        ours_body,
    ),
    '`s.connections.create(request={"company_id": c, "request_body": {...}})`': Row(
        "from codat_platform.api.connections import CreateConnectionRequest\n"
        "assert fields(CreateConnectionRequest) == {'company_id', 'request_body'}\n"
        "assert CreateConnectionRequest.model_validate("
        "{'company_id': 'c', 'request_body': {'platform_key': 'gbol'}}).request_body.platform_key == 'gbol'",
        ours_path_and_body,
    ),
    '`s.connections.unlink(request={..., "update_connection_status": {"status": "Unlinked"}})`': Row(
        "from codat_platform.api.connections import UnlinkConnectionRequest\n"
        "assert fields(UnlinkConnectionRequest) == {'company_id', 'connection_id', 'update_connection_status'}",
        ours_unlink,
    ),
    "ids are `str`": Row(
        "from codat_platform.api.companies import GetCompanyRequest\n"
        "assert GetCompanyRequest.model_fields['company_id'].annotation is str",
        ours_ids,
    ),
    '`s.files.upload_files(operations.UploadFilesRequest(company_id=c, connection_id=k, request_body=operations.UploadFilesRequestBody(content=data, request_body="a.pdf")))`': Row(  # noqa: E501
        "assert fields(operations.UploadFilesRequest) == {'company_id', 'connection_id', 'request_body'}\n"
        "assert fields(operations.UploadFilesRequestBody) == {'content', 'request_body'}\n"
        "assert list(params(f.files.upload_files)) and 'request' in params(f.files.upload_files)\n"
        "assert 'UploadFilesRequest' in str(inspect.signature(f.files.upload_files).parameters['request'].annotation)",
        ours_upload,
    ),
    "`s.files.list_files(operations.ListFilesRequest(company_id=c)).files`; `download_files(...).data`": Row(
        "assert 'files' in fields(operations.ListFilesResponse)\n"
        "assert 'data' in fields(operations.DownloadFilesResponse)",
        ours_list_and_download,
    ),
    "`codatfiles` returns a 4xx in `res.error_message`": Row(
        "class Answer404(requests.adapters.BaseAdapter):\n"
        "    def send(self, request, **kwargs):\n"
        "        response = requests.Response()\n"
        "        response.status_code, response.request = 404, request\n"
        "        response.headers['Content-Type'] = 'application/json'\n"
        '        response._content = b\'{"statusCode": 404, "error": "no company"}\'\n'
        "        return response\n"
        "session = requests.Session()\n"
        "session.mount('http://', Answer404())\n"
        "mocked = CodatFiles(security=files_shared.Security(auth_header='Basic a2V5'), server_url='http://mock', "
        "client=session)\n"
        "res = mocked.files.list_files(operations.ListFilesRequest(company_id='c'))\n"
        "assert res.status_code == 404 and res.error_message.error == 'no company' and res.files is None",
        ours_files_errors,
    ),
    "`s.companies.list_async(...)`, `async with CodatPlatform(...)` (the sync call in a worker thread)": Row(
        "assert inspect.iscoroutinefunction(s.companies.list_async)\n"
        "assert hasattr(CodatPlatform, '__aenter__')\n"
        "assert 'run_in_executor' in inspect.getsource(type(s.companies).list_async)",
        ours_async,
    ),
    "per call `http_headers={...}`, `timeout_ms=5000`": Row(
        "assert {'http_headers', 'timeout_ms'} <= params(s.companies.get)", ours_per_call
    ),
    "`CodatPlatform(timeout_ms=30000)`": Row("assert 'timeout_ms' in params(CodatPlatform)", ours_client_timeout),
    "`CodatPlatform(url_params={...})`": Row(
        "assert 'url_params' in params(CodatPlatform)\nassert not any('{' in url for url in codat_platform.SERVERS)",
        ours_url_params,
    ),
    '`retry_config=utils.RetryConfig("backoff", utils.BackoffStrategy(...), True)`': Row(
        "from codat_platform import utils\n"
        "theirs = utils.RetryConfig('backoff', utils.BackoffStrategy(500, 60000, 1.5, 3600000), True)\n"
        "from codat_sdk_platform import CodatPlatform as Ours\n"
        "try:\n"
        "    Ours(api_key='k', retry_config=theirs)\n"
        "except TypeError as e:\n"
        "    assert 'codat_sdk.RetryConfig' in str(e), str(e)\n"
        "else:\n"
        "    raise AssertionError('no TypeError')",
        ours_retry_config,
    ),
    "`RetryConfig()`, `BackoffStrategy()` (500 ms, 60 s, \N{MULTIPLICATION SIGN}1.5, 1 h)": Row(
        "from codat_platform.utils import BackoffStrategy, RetryConfig\n"
        "import codat_sdk\n"
        "theirs, backoff = RetryConfig(), BackoffStrategy()\n"
        "assert vars(theirs.backoff) == vars(backoff)\n"
        "mine = codat_sdk.BackoffStrategy()\n"
        "assert vars(backoff) == {k: getattr(mine, k) for k in vars(backoff)}\n"
        "assert (theirs.strategy, theirs.retry_connection_errors) == ('backoff', True)\n"
        "same = codat_sdk.RetryConfig(theirs.strategy, mine, theirs.retry_connection_errors)\n"
        "assert codat_sdk.RetryConfig() == same",
        ours_retry_defaults,
    ),
    "`errors.CodatPlatformError`, `errors.ErrorMessage`, `errors.SDKError`": Row(
        "assert issubclass(errors.ErrorMessage, errors.CodatPlatformError)\n"
        "assert issubclass(errors.SDKError, errors.CodatPlatformError)",
        ours_errors,
    ),
    "`errors.NoResponseError`; `errors.ResponseValidationError`": Row(
        "assert errors.NoResponseError and errors.ResponseValidationError", ours_no_response
    ),
    "`e.data` (`.correlation_id`, ...), `e.message`, `e.raw_response`": Row(
        "data = errors.ErrorMessageData.model_validate({'statusCode': 404, 'correlationId': 'c-1'})\n"
        "e = errors.ErrorMessage(data, 'raw', body='{}', status_code=404, headers={'a': 'b'})\n"
        "assert e.data.correlation_id == 'c-1' and e.message == '{}' and e.raw_response == 'raw'\n"
        "assert (e.status_code, e.body, e.headers['A']) == (404, '{}', 'b')",
        ours_error_attributes,
    ),
    "`page.links.next`": Row(
        "from codat_platform.models.shared.companies import Companies\n"
        "from codat_platform.models.shared.links import Links\n"
        "assert 'links' in fields(Companies)\nassert {'next', 'self_'} <= fields(Links)",
        ours_links,
    ),
    "`company.model_dump()` (attribute names)": Row(
        "from codat_platform.models.shared.company import Company\n"
        "c = Company.model_validate({'id': 'i', 'name': 'n', 'redirect': 'r', 'created': 'x', 'lastSync': 'y'})\n"
        "assert 'last_sync' in c.model_dump()",
        ours_to_dict,
    ),
    "a `while` loop over `page=` yourself": Row("assert not hasattr(s.companies, 'list_all')", ours_list_all),
    '`query="name~Toft"` strings': Row(
        "from codat_platform.api.companies import ListCompaniesRequest\n"
        "assert ListCompaniesRequest(query='name~Toft').query == 'name~Toft'",
        ours_query,
    ),
    "`s.cors.get()`, `s.cors.set(...)` (deprecated)": Row(
        "assert callable(s.cors.get) and callable(s.cors.set)\nassert not hasattr(s.connection_management, 'cors')",
        ours_cors,
    ),
    "`s.webhooks.rotate_zapier_key()`": Row("assert callable(s.webhooks.rotate_zapier_key)", ours_zapier),
    "`CodatPlatform(client=..., async_client=...)`": Row(
        "assert {'client', 'async_client'} <= params(CodatPlatform)", ours_clients
    ),
    "`CodatPlatform(debug_logger=...)` (ignored)": Row(
        "root = pathlib.Path(codat_platform.__file__).parent\n"
        "uses = sum(p.read_text().count('debug_logger') for p in root.rglob('*.py'))\n"
        "assert uses == 3, uses  # the parameter, and self._debug_logger = debug_logger: never read",
        ours_debug_logger,
    ),
    "hooks on the private `s._hooks` (`register_before_request_hook(obj)`)": Row(
        "assert not hasattr(s, 'sdk_configuration')\nassert callable(s._hooks.register_before_request_hook)",
        ours_hooks,
    ),
}


def _guide_rows() -> list[str]:
    section = README[README.index("## Migrating from `codat-platform`") :]
    table = section[section.index("| Codat's SDK |") :].split("\n\n", 1)[0]
    return [line.split(" | ", 1)[0].removeprefix("| ") for line in table.splitlines()[2:]]


def test_every_row_of_the_guide_is_checked_and_every_check_is_a_row() -> None:
    assert _guide_rows() == list(ROWS)


@pytest.fixture(scope="module")
def their_results() -> dict[str, str | None]:
    """Codat's side of every row, run once with codat-platform 6.0.0 and codat-files 0.34.0."""
    driver = f"SETUP = {THEIR_SETUP!r}\n{DRIVER}"
    rows = json.dumps({key: row.theirs for key, row in ROWS.items()})
    done = run_with_real_sdks(["-c", driver], env={"PYTHONWARNINGS": "ignore"}, timeout=180, stdin=rows)
    assert done.returncode == 0, done.stderr[-3000:]
    results: dict[str, str | None] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


@pytest.mark.parametrize("row", list(ROWS))
def test_codats_side_is_true_of_their_packages(row: str, their_results: dict[str, str | None]) -> None:
    assert their_results[row] is None, their_results[row]


@pytest.mark.parametrize("row", list(ROWS))
def test_our_side_is_true_of_this_sdk(row: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        ROWS[row].ours()


def test_every_import_name_differs_so_both_install_side_by_side() -> None:
    assert not re.search(r"\bimport (codat_platform|codatfiles)\b", inspect.getsource(codat_sdk))


def test_the_guide_and_the_benchmarks_compare_with_the_same_codat_platform() -> None:
    from tests.migration.real_sdks import REQUIREMENTS

    assert f'CODAT_PLATFORM = "{REQUIREMENTS[0]}"' in (ROOT / "noxfile.py").read_text(encoding="utf-8")
