"""Domain errors and their gRPC status codes, in one place.

Domain logic raises these (it knows nothing of gRPC); the server interceptor turns them into
a status with google.rpc details, so a department system sees which field was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

from shared.masking import mask_text


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


@dataclass
class DomainError(Exception):
    message: str
    violations: list[FieldViolation] = field(default_factory=list)

    code = grpc.StatusCode.INTERNAL

    def __str__(self) -> str:
        return self.message


class InvalidArgument(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class AlreadyExists(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED


def to_rpc_status(error: DomainError) -> status_pb2.Status:
    """A google.rpc.Status with a BadRequest detail listing the field violations."""
    rpc_status = status_pb2.Status(code=getattr(code_pb2, error.code.name), message=mask_text(error.message))
    if error.violations:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=mask_text(v.description))
                for v in error.violations
            ]
        )
        detail = any_pb2.Any()
        detail.Pack(bad_request)
        rpc_status.details.append(detail)
    return rpc_status


def field_violations(rpc_status: status_pb2.Status) -> list[FieldViolation]:
    """The field violations carried in a google.rpc.Status (the client side of to_rpc_status)."""
    found: list[FieldViolation] = []
    for detail in rpc_status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            found += [FieldViolation(v.field, v.description) for v in bad_request.field_violations]
    return found


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED


@dataclass
class TooManyAttempts(DomainError):
    """Locked after repeated failures; `retry_after_seconds` says when to try again."""

    retry_after_seconds: int = 60

    code = grpc.StatusCode.RESOURCE_EXHAUSTED
