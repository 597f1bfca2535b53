"""OpenTelemetry set-up: one tracer provider per process, OTLP export when configured.

gRPC (server and client interceptors), SQLAlchemy (per engine, see shared.db) and Kafka
(headers, see shared.kafka) are traced; W3C trace context is the propagation format.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


def setup_tracing(
    service_name: str, otlp_endpoint: str = "", extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls only add processors."""
    global _provider
    if _provider is None:
        _provider = TracerProvider(
            resource=Resource.create({"service.name": service_name, "service.namespace": "servicehall"})
        )
        trace.set_tracer_provider(_provider)
        if otlp_endpoint:
            # Loaded only when traces are exported: the exporter brings its own gRPC client stack.
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter  # noqa: PLC0415 (see above)

            _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint, insecure=True)))
    if extra_processor is not None:
        _provider.add_span_processor(extra_processor)
    return _provider


def shutdown_tracing() -> None:
    if _provider is not None:
        _provider.shutdown()
