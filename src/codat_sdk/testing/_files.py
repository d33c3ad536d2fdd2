"""The Files API: uploads kept in memory, listed, and downloaded as one zip archive."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from ._calls import Call, Problem, Reply
from ._state import State, StoredFile

# The limits the upload operation documents.
MAX_FILES_PER_UPLOAD = 20
MAX_FILE_BYTES = 10 * 1024 * 1024


def upload_files(state: State, call: Call) -> Reply:
    connection = state.connection(call.path_params["companyId"], call.path_params["connectionId"])
    company_id = state.company(call.path_params["companyId"])["id"]
    parts = [part for part in call.files if part.name == "file"]
    if not parts:
        raise Problem(400, "no file in the upload: send one or more form parts named 'file'")
    if len(parts) > MAX_FILES_PER_UPLOAD:
        raise Problem(400, f"{len(parts)} files in one upload: at most {MAX_FILES_PER_UPLOAD} are accepted")
    for part in parts:
        if len(part.data) > MAX_FILE_BYTES:
            raise Problem(400, f"{part.filename or part.name} is over {MAX_FILE_BYTES // (1024 * 1024)} MB")
    stored = state.files.setdefault(company_id, [])
    for part in parts:
        name = part.filename or part.name
        stored.append(StoredFile(company_id, connection["id"], name, part.content_type, part.data, state.clock.stamp()))
    return Reply(200)


def list_files(state: State, call: Call) -> Reply:
    company_id = state.company(call.path_params["companyId"])["id"]
    listed = [
        {"fileName": file.file_name, "displayName": file.file_name, "sourceType": "Files", "uploaded": file.uploaded}
        for file in state.files.get(company_id, [])
    ]
    return Reply(200, listed)


def download_files(state: State, call: Call) -> Reply:
    company_id = state.company(call.path_params["companyId"])["id"]
    day = call.param("date")
    files = [file for file in state.files.get(company_id, []) if day is None or file.uploaded[:10] == day[:10]]
    if not files:
        raise Problem(404, f"no files uploaded for company {company_id}" + (f" on {day[:10]}" if day else ""))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        seen: dict[str, int] = {}
        for file in files:
            count = seen[file.file_name] = seen.get(file.file_name, 0) + 1
            # Two uploads of one name both go in the archive: the later ones numbered.
            zipped.writestr(file.file_name if count == 1 else f"{count}-{file.file_name}", file.content)
    return Reply(200, content=archive.getvalue(), content_type="application/octet-stream")


HANDLERS: dict[str, Callable[[State, Call], Reply]] = {
    "upload-files": upload_files,
    "list-files": list_files,
    "download-files": download_files,
}
