"""gRPC for the evaluation service: the caller, the mapping, the use case."""

from __future__ import annotations

import grpc

from servicehall.evaluation.v1 import evaluation_pb2, evaluation_pb2_grpc
from services.evaluation import messages, throughput
from services.evaluation.settings import EvaluationSettings
from shared.auth import caller_of
from shared.runtime import Runtime


class EvaluationServicer(evaluation_pb2_grpc.EvaluationServiceServicer):
    def __init__(self, runtime: Runtime[EvaluationSettings]) -> None:
        self.runtime = runtime

    async def GetWindowThroughput(
        self, request: evaluation_pb2.GetWindowThroughputRequest, context: grpc.aio.ServicerContext
    ) -> evaluation_pb2.GetWindowThroughputResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda session: evaluation_pb2.GetWindowThroughputResponse(
                windows=[
                    messages.throughput_message(row)
                    for row in throughput.window_throughput(
                        session,
                        caller,
                        department_code=request.department_code,
                        window_code=request.window_code,
                        day=request.day,
                    )
                ]
            )
        )
