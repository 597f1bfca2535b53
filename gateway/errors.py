"""Every error leaves the gateway as an RFC 9457 problem body; gRPC codes map here, once."""

from __future__ import annotations

import logging
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from grpc_status import rpc_status
from starlette.exceptions import HTTPException

from shared.errors import DomainError, TooManyAttempts, field_violations
from shared.masking import mask_text

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

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
            # Never echo the input back: it may hold an ID card number.
            errors.append({"field": _location(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")})
        if malformed:
            return problem(400, "the request body is not valid JSON", errors)
        return problem(422, "the request is invalid", errors)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), headers=dict(error.headers or {}))

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
