"""The public names of the runtime and of the generated packages are pinned: changes are deliberate."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import codat_sdk_files
import codat_sdk_platform
import pytest

import codat_sdk

CODAT_SDK = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "API_KEY_ENV_VAR",
    "AsyncAPIClient",
    "AsyncBinaryResponse",
    "AsyncHttpClient",
    "AsyncPaginator",
    "AsyncResource",
    "BackoffStrategy",
    "BadRequestError",
    "BinaryResponse",
    "BoolField",
    "CodatError",
    "ConflictError",
    "DECODE_ERRORS",
    "DEFAULT_TIMEOUT",
    "DateField",
    "DateTimeField",
    "DecodeError",
    "EnumField",
    "ErrorMessageLike",
    "Field",
    "File",
    "FileContent",
    "FileTypes",
    "ForbiddenError",
    "HookContext",
    "HookError",
    "Hooks",
    "HttpClient",
    "InternalServerError",
    "LOGGER_NAME",
    "MAX_LOGGED_BODY",
    "MAX_QUERY_LENGTH",
    "MultipartFiles",
    "NotFoundError",
    "NumberField",
    "OpenIntEnum",
    "OpenStrEnum",
    "Operation",
    "OrderBy",
    "PageContents",
    "PaymentRequiredError",
    "Query",
    "QueryError",
    "RateLimitError",
    "RawResponse",
    "RequestFiles",
    "ResponseValidationError",
    "RetryConfig",
    "RetryEvent",
    "Secret",
    "ServiceUnavailableError",
    "StringField",
    "SyncAPIClient",
    "SyncPaginator",
    "SyncResource",
    "Timeout",
    "UNSET",
    "UnauthorizedError",
    "UnavailableForLegalReasonsError",
    "UnexpectedStatusError",
    "Unset",
    "Upload",
    "__version__",
    "check_list",
    "check_value",
    "decode_list",
    "decode_map",
    "decode_with_gc_paused",
    "not_an_object",
    "order_by",
    "parse_date",
    "parse_datetime",
    "parse_uuid",
    "path_segment",
    "present",
    "reraise_at",
    "reraise_missing",
    "reraise_not_an_object",
    "to_order_by_param",
    "to_query_param",
    "wrong_type",
]
CODAT_SDK_PLATFORM = ["AsyncCodatPlatform", "CodatPlatform", "SPEC_VERSION", "models"]
CODAT_SDK_FILES = ["AsyncCodatFiles", "CodatFiles", "SPEC_VERSION", "models"]


@pytest.mark.parametrize(
    ("module", "expected"),
    [(codat_sdk, CODAT_SDK), (codat_sdk_platform, CODAT_SDK_PLATFORM), (codat_sdk_files, CODAT_SDK_FILES)],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_all_is_pinned(module: object, expected: list[str]) -> None:
    names: list[str] = getattr(module, "__all__")  # noqa: B009 - the attribute is what is under test
    assert len(names) == len(set(names)), "duplicates in __all__"
    assert sorted(names) == sorted(expected)


@pytest.mark.parametrize("module_name", ["codat_sdk", "codat_sdk_platform", "codat_sdk_files"])
def test_every_public_name_is_importable(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.{name}"
        exec(f"from {module_name} import {name}", {})


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from codat_sdk import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == CODAT_SDK


@pytest.mark.parametrize("package", [codat_sdk_platform, codat_sdk_files], ids=lambda p: p.__name__)
def test_every_lazy_model_name_resolves(package: object) -> None:
    models = getattr(package, "models")  # noqa: B009
    names: list[str] = models.__all__
    assert names
    for name in names:
        model = getattr(models, name)
        assert model.__name__ == name
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018


def test_spec_versions_are_the_pinned_ones() -> None:
    pins = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "pins.json").read_text(encoding="utf-8"))
    assert codat_sdk_platform.SPEC_VERSION == codat_sdk_platform.CodatPlatform.SPEC_VERSION
    assert pins["platform"]["version"] == codat_sdk_platform.SPEC_VERSION
    assert codat_sdk_files.SPEC_VERSION == codat_sdk_files.CodatFiles.SPEC_VERSION == pins["files"]["version"]


def test_the_lazily_loaded_names_are_the_query_modules_public_names() -> None:
    from codat_sdk import _query

    assert set(_query.__all__) == codat_sdk._LAZY
    assert set(codat_sdk.__all__) >= codat_sdk._LAZY


def test_runtime_version_is_a_string() -> None:
    assert isinstance(codat_sdk.__version__, str)
    assert codat_sdk.__version__.count(".") >= 2
