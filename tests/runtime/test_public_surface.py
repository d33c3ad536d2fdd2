"""The public names of the runtime and of the generated packages are pinned: changes are deliberate."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import codat_sdk_files
import codat_sdk_platform
import pytest

import codat_sdk
from codat_sdk import _generated

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

CODAT_SDK = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "API_KEY_ENV_VAR",
    "AsyncAPIClient",
    "AsyncBinaryResponse",
    "AsyncHttpClient",
    "AsyncPaginator",
    "BackoffStrategy",
    "BadRequestError",
    "BinaryResponse",
    "BoolField",
    "CodatError",
    "ConflictError",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WEBHOOK_TOLERANCE",
    "DateField",
    "DateTimeField",
    "DecodeError",
    "EnumField",
    "ErrorMessageLike",
    "Field",
    "File",
    "ForbiddenError",
    "HeadersLike",
    "HookContext",
    "HookError",
    "Hooks",
    "HttpClient",
    "InternalServerError",
    "InvalidRequestError",
    "LOGGER_NAME",
    "MAX_ERROR_BODY",
    "MAX_LOGGED_BODY",
    "MAX_QUERY_LENGTH",
    "MapField",
    "NotFoundError",
    "NumberField",
    "OpenIntEnum",
    "OpenStrEnum",
    "OrderBy",
    "PaginationError",
    "PaymentRequiredError",
    "Query",
    "QueryError",
    "RateLimitError",
    "RawResponse",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryConfig",
    "RetryEvent",
    "Secret",
    "ServiceUnavailableError",
    "StringField",
    "SyncAPIClient",
    "SyncPaginator",
    "Timeout",
    "UNSET",
    "UnauthorizedError",
    "UnavailableForLegalReasonsError",
    "UnexpectedStatusError",
    "UnknownWebhookEvent",
    "Unlisted",
    "Unset",
    "Upload",
    "VerifiedWebhook",
    "WebhookEvent",
    "WebhookHeaderError",
    "WebhookMissingHeaderError",
    "WebhookPayloadError",
    "WebhookRouter",
    "WebhookSecretError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookTimestampTooNewError",
    "WebhookTimestampTooOldError",
    "WebhookVerificationError",
    "WebhookVerifier",
    "__version__",
    "order_by",
    "parse_date",
    "parse_datetime",
    "verify_webhook",
]
# What generated code needs and users do not: its private facade, none of it in codat_sdk's surface.
GENERATED_FACADE = [
    "AsyncResource",
    "DECODE_ERRORS",
    "FileTypes",
    "MultipartFiles",
    "Operation",
    "PageContents",
    "RawResponseView",
    "RequestFiles",
    "SyncResource",
    "WebhookEventTypes",
    "async_raw_response_method",
    "check_list",
    "check_value",
    "checked_uuid",
    "decode_list",
    "decode_map",
    "decode_with_gc_paused",
    "json_body",
    "new_instance",
    "not_an_object",
    "parse_uuid",
    "path_segment",
    "present",
    "raw_response_method",
    "reraise_at",
    "reraise_missing",
    "reraise_not_an_object",
    "same_response_method",
    "to_order_by_param",
    "to_query_param",
    "warn_deprecated",
    "wrong_type",
]
CODAT_SDK_PLATFORM = ["AsyncCodatPlatform", "CodatPlatform", "SPEC_VERSION", "models"]
CODAT_SDK_FILES = ["AsyncCodatFiles", "CodatFiles", "SPEC_VERSION", "models"]


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (codat_sdk, CODAT_SDK),
        (_generated, GENERATED_FACADE),
        (codat_sdk_platform, CODAT_SDK_PLATFORM),
        (codat_sdk_files, CODAT_SDK_FILES),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_all_is_pinned(module: object, expected: list[str]) -> None:
    names: list[str] = getattr(module, "__all__")  # noqa: B009 - the attribute is what is under test
    assert len(names) == len(set(names)), "duplicates in __all__"
    assert sorted(names) == sorted(expected)


@pytest.mark.parametrize("module_name", ["codat_sdk", "codat_sdk._generated", "codat_sdk_platform", "codat_sdk_files"])
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

    assert codat_sdk._LAZY.isdisjoint(_generated._LAZY)
    assert set(_query.__all__) == codat_sdk._LAZY | _generated._LAZY
    assert set(codat_sdk.__all__) >= codat_sdk._LAZY
    assert set(_generated.__all__) >= _generated._LAZY


def test_users_never_see_generated_codes_plumbing() -> None:
    assert set(codat_sdk.__all__).isdisjoint(_generated.__all__)
    for name in _generated.__all__:
        assert not hasattr(codat_sdk, name), name


def _runtime_imports(package: Path) -> dict[str, set[str]]:
    """module -> names, of every ``from codat_sdk... import ...`` in the generated package's source."""
    imports: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "codat_sdk":
                imports.setdefault(node.module or "", set()).update(alias.name for alias in node.names)
    return imports


def test_the_facade_holds_what_generated_code_imports_and_nothing_else() -> None:
    """Which modules generated code may import from is tests/test_architecture.py's; this pins the facade's size.

    Generated code imports what the templates name (unused imports are dropped per module), and a name some
    other spec's output needs (``check_value`` for a list of scalars checked item by item) may be unused here.
    """
    imported: set[str] = set()
    for package in (codat_sdk_platform, codat_sdk_files):
        imported |= _runtime_imports(Path(package.__file__ or "").parent).get("codat_sdk._generated", set())
    assert imported <= set(_generated.__all__)
    templates = "\n".join(path.read_text(encoding="utf-8") for path in TEMPLATES.glob("*.jinja"))
    decoding = (ROOT / "codegen" / "decoding.py").read_text(encoding="utf-8")
    emitted = templates + decoding
    assert [name for name in _generated.__all__ if not re.search(rf"\b{name}\b", emitted)] == []
