"""A typical script for Codat's own SDKs, codat-platform 6.0.0 and codat-files 0.34.0, written from their
READMEs: the "before" of the README's migration section, whose ported script does the same with this SDK.

tests/migration/test_ported_script.py runs both against Prism. Not imported by the suite (Codat's
packages are installed for that test only), hence no type checking here.
"""
# mypy: ignore-errors

import base64
import os
import tempfile
from pathlib import Path

from codat_platform import CodatPlatform
from codat_platform.models import errors, shared
from codat_platform.utils import BackoffStrategy, RetryConfig
from codatfiles import CodatFiles
from codatfiles.models import operations
from codatfiles.models import shared as files_shared

AUTH = "Basic " + base64.b64encode(os.environ["CODAT_API_KEY"].encode()).decode()
PLATFORM_URL = os.environ.get("CODAT_SERVER_URL")  # a mock's URL; None: https://api.codat.io
FILES_URL = os.environ.get("CODAT_FILES_SERVER_URL", PLATFORM_URL)

retries = RetryConfig("backoff", BackoffStrategy(500, 10_000, 1.5, 60_000), True)
with CodatPlatform(
    security=shared.Security(auth_header=AUTH), server_url=PLATFORM_URL, retry_config=retries, timeout_ms=30_000
) as codat:
    page_number = 1
    while True:  # every company, a page at a time
        page = codat.companies.list(request={"page": page_number, "page_size": 100, "query": "name~Toft"})
        for listed in page.results or []:
            print("company", listed.id, listed.name)
        if page.links.next is None or not page.results:
            break
        page_number += 1

    company = codat.companies.create(request={"name": "Toft stores", "description": "ported"})
    connection = codat.connections.create(
        request={"company_id": company.id, "request_body": {"platform_key": "gbol"}},
        http_headers={"X-Request-Id": "port-1"},
    )
    status = codat.refresh_data.get(request={"company_id": company.id})
    print("data status", sorted(status.model_dump()))
    codat.refresh_data.all(request={"company_id": company.id}, timeout_ms=5_000)
    unlinked = codat.connections.unlink(
        request={
            "company_id": company.id,
            "connection_id": connection.id,
            "update_connection_status": {"status": "Unlinked"},
        }
    )
    print("unlinked", unlinked.id)
    try:
        codat.companies.get(request={"company_id": company.id})
    except errors.ErrorMessage as e:
        print("failed", e.status_code, e.data.correlation_id, e.message)

files = CodatFiles(security=files_shared.Security(auth_header=AUTH), server_url=FILES_URL)
upload = operations.UploadFilesRequestBody(content=b"%PDF-1.4 statement\n", request_body="statement.pdf")
files.files.upload_files(
    operations.UploadFilesRequest(company_id=company.id, connection_id=connection.id, request_body=upload)
)
listing = files.files.list_files(operations.ListFilesRequest(company_id=company.id))
print("files", len(listing.files or []))
download = files.files.download_files(operations.DownloadFilesRequest(company_id=company.id))
with tempfile.TemporaryDirectory() as tmp:
    written = Path(tmp, "files.zip").write_bytes(download.data or b"")
print("downloaded", written, "bytes")
