"""Every error leaves the gateway as an RFC 9457 problem body; gRPC codes map here, once."""

from __future__ import annotations

import logging
import re
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from grpc_status import rpc_status
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from gateway.schemas.base import FILLED_LINE_PATTERN, FILLED_TEXT_PATTERN, LINE_PATTERN, TEXT_PATTERN
from shared.errors import DomainError, TooManyAttempts, field_violations
from shared.masking import mask_text

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# The character patterns of gateway.schemas.base say more in words than as a regex.
_CHARACTERS = "must not contain control or bidi formatting characters (nor, on one line, a line break or tab)"
PATTERN_MESSAGES = {
    LINE_PATTERN: _CHARACTERS,
    TEXT_PATTERN: _CHARACTERS,
    FILLED_LINE_PATTERN: "must not be blank; " + _CHARACTERS,
    FILLED_TEXT_PATTERN: "must not be blank; " + _CHARACTERS,
}
# The detail of every 422 the gateway gives itself (a service's 422 carries the service's own).
INVALID_REQUEST = "the request is invalid"

GRPC_TO_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    # The call may have done its work before the deadline fired: no Retry-After here, a
    # client retries only with the same Idempotency-Key (or after reading the state).
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}

TITLES = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class FieldViolation(BaseModel):
    field: str = Field(description="where in the request, dotted: applicant.phone, query.page_size, path.case_number")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem body, as every error leaves the gateway."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = Field(None, description="not sent yet: reserved for an occurrence's URI")
    errors: list[FieldViolation] = Field([], description="the fields at fault, when the input is")


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# What any route backed by a service may answer: the statuses GRPC_TO_HTTP maps to (the
# service decides, so a public read may still be refused), and 422 for the gateway's own checks.
SERVICE_STATUSES = (401, 403, 404, 409, 422, 429, 503, 504)
BODY_STATUSES = (400, 413, 415)


def problem_responses(*, body: bool, responses: dict[int | str, Any]) -> dict[int | str, Any]:
    """The problem responses of a route for its OpenAPI document: those of every route backed
    by a service, and 400/413/415 when it takes a body."""
    statuses = {*SERVICE_STATUSES, *(BODY_STATUSES if body else ())}
    return {
        status: {"description": TITLES[status], "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}
        for status in sorted(statuses)
        if status not in responses
    }


def problem_components() -> dict[str, Any]:
    """The Problem schema and what it refers to, as OpenAPI components."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components: dict[str, Any] = schema.pop("$defs", {})
    components["Problem"] = schema
    return components


class ProblemException(HTTPException):
    """A refusal the gateway decides itself, before any service is called."""

    status = 400

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(self.status, detail)
        self.errors = errors or []


class BadRequest(ProblemException):
    status = 400


class UnsupportedMediaType(ProblemException):
    status = 415


class InvalidInput(ProblemException):
    status = 422

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(INVALID_REQUEST, errors)


def problem(
    status: int, detail: str, errors: list[dict[str, str]] | None = None, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    # Every problem body is made here: masked here, whatever its parts were built from (a
    # field's location names the keys the client sent, and a key may be a phone number).
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": mask_text(detail),
    }
    if errors:
        body["errors"] = [{key: mask_text(value) for key, value in e.items()} for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


def from_rpc_error(error: grpc.aio.AioRpcError) -> JSONResponse:
    code = error.code()
    status = GRPC_TO_HTTP.get(code, 500)
    if status == 500:
        log.error("unexpected gRPC error", extra={"grpc_code": code.name, "detail": error.details()})
        return problem(500, "internal error")
    if status == 503:
        # UNAVAILABLE: the call did not reach the service, so a retry is safe.
        return problem(503, "a backing service is unavailable; try again", headers={"Retry-After": "1"})
    if status == 504:
        return problem(504, "the service did not answer in time; the request may have been carried out")
    errors: list[dict[str, str]] = []
    details = rpc_status.from_call(error)
    if details is not None:
        errors = [{"field": v.field, "message": v.description} for v in field_violations(details)]
    return problem(status, mask_text(error.details() or code.name.lower()), errors)


def _location(loc: tuple[Any, ...]) -> str:
    # ("body", "applicant", "phone") -> "applicant.phone": the same names the gRPC API uses.
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def _message(error: Any) -> str:
    if error.get("type") == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") in PATTERN_MESSAGES:
        return PATTERN_MESSAGES[error["ctx"]["pattern"]]
    return str(error.get("msg", "invalid"))


def _allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document gives the request's path: what a client may use."""
    methods: set[str] = set()
    for path, item in request.app.openapi()["paths"].items():
        template = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
        if re.fullmatch(template, request.url.path):
            methods |= {method.upper() for method in item}
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(grpc.aio.AioRpcError)
    async def rpc_error(_request: Request, error: grpc.aio.AioRpcError) -> JSONResponse:
        return from_rpc_error(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = []
        malformed = False
        for e in error.errors():
            if e.get("type") == "json_invalid":
                malformed = True
            if tuple(e.get("loc", ()))[:2] == ("header", "Idempotency-Key"):
                malformed = True  # draft-ietf-httpapi-idempotency-key-header: a missing or bad key is 400
            # Never echo the input back: it may hold an ID card number.
            errors.append({"field": _location(tuple(e.get("loc", ()))), "message": _message(e)})
        if malformed:
            return problem(400, "the request is malformed (its JSON body or its Idempotency-Key)", errors)
        return problem(422, INVALID_REQUEST, errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette's Allow names the methods of the first route on the path only, and a
            # path has one route per method here (GET and POST /api/v1/cases): name them all.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem(error.status_code, str(error.detail), getattr(error, "errors", None), headers=headers)

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        # The gateway's own use cases (sign-in, administration) raise what the services do.
        status = GRPC_TO_HTTP.get(error.code, 500)
        headers = {"Retry-After": str(error.retry_after_seconds)} if isinstance(error, TooManyAttempts) else None
        errors = [{"field": v.field, "message": v.description} for v in error.violations]
        return problem(status, mask_text(error.message), errors, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error in the gateway")
        return problem(500, "internal error")
