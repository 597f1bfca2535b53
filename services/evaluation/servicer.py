"""gRPC <-> domain for the evaluation service."""

from __future__ import annotations

import asyncio

import grpc

from services.evaluation import domain
from servicehall.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc
from shared.runtime import Runtime


class EvaluationServicer(evaluation_pb2_grpc.EvaluationServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def GetWindowThroughput(self, request: evaluation_pb2.GetWindowThroughputRequest, context: grpc.aio.ServicerContext) -> evaluation_pb2.GetWindowThroughputResponse:
        def read() -> evaluation_pb2.GetWindowThroughputResponse:
            with self.runtime.session_factory() as session:
                rows = domain.window_throughput(
                    session, department_code=request.department_code, window_code=request.window_code, day=request.day
                )
                return evaluation_pb2.GetWindowThroughputResponse(
                    windows=[
                        evaluation_pb2.WindowThroughput(
                            department_code=r.department_code,
                            window_code=r.window_code,
                            day=r.day.isoformat(),
                            cases_received=r.cases_received,
                        )
                        for r in rows
                    ]
                )

        return await asyncio.to_thread(read)
