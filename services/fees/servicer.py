"""gRPC <-> domain for the fees service."""

from __future__ import annotations

import asyncio

import grpc

from services.fees import domain
from services.fees.models import FeeStandard
from servicehall.fees.v1 import fees_pb2, fees_pb2_grpc
from shared.service import Runtime
from shared.timeutil import shanghai_day, utcnow

_FEE_TYPES = {"administrative": fees_pb2.FEE_TYPE_ADMINISTRATIVE, "deed_tax": fees_pb2.FEE_TYPE_DEED_TAX}


class FeesServicer(fees_pb2_grpc.FeesServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def ListFeeStandards(self, request: fees_pb2.ListFeeStandardsRequest, context: grpc.aio.ServicerContext) -> fees_pb2.ListFeeStandardsResponse:
        def read() -> fees_pb2.ListFeeStandardsResponse:
            with self.runtime.session_factory() as session:
                standards = domain.standards_in_force(
                    session, on=shanghai_day(utcnow()), department_code=request.department_code
                )
                return fees_pb2.ListFeeStandardsResponse(standards=[standard_message(s) for s in standards])

        return await asyncio.to_thread(read)


def standard_message(standard: FeeStandard) -> fees_pb2.FeeStandard:
    return fees_pb2.FeeStandard(
        code=standard.code,
        name=standard.name,
        department_code=standard.department_code,
        fee_type=_FEE_TYPES[standard.fee_type],
        legal_basis=standard.legal_basis,
        fixed_amount_fen=standard.fixed_amount_fen,
        rate_basis_points=standard.rate_basis_points,
        effective_from=standard.effective_from.isoformat(),
    )
