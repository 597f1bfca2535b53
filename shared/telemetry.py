"""OpenTelemetry set-up: one tracer provider per process, OTLP export when configured.

gRPC (server and client interceptors), SQLAlchemy (per engine, see shared.db) and Kafka
(headers, see shared.kafka) are traced; W3C trace context is the propagation format.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status
from opentelemetry.util.types import AttributeValue

from shared.masking import mask_text

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

            _provider.add_span_processor(
                MaskingSpanProcessor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint, insecure=True)))
            )
    if extra_processor is not None:
        _provider.add_span_processor(MaskingSpanProcessor(extra_processor))
    return _provider


def shutdown_tracing() -> None:
    if _provider is not None:
        _provider.shutdown()


def _masked_value(value: AttributeValue) -> AttributeValue:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return tuple(mask_text(str(v)) for v in value)
    return value


def masked_span(span: ReadableSpan) -> ReadableSpan:
    """A copy of the span with every ID card and phone number masked: in its name, attributes
    (an URL path, a statement), events (an exception's message and stack trace) and status."""
    return ReadableSpan(
        name=mask_text(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes={key: _masked_value(value) for key, value in (span.attributes or {}).items()},
        events=[
            Event(event.name, {k: _masked_value(v) for k, v in (event.attributes or {}).items()}, event.timestamp)
            for event in span.events
        ],
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code, mask_text(span.status.description or "") or None),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class MaskingSpanProcessor(SpanProcessor):
    """Hands its processor (and so the exporter) masked copies of the finished spans: what the
    instrumentations record (a request path, an exception raised with input in its message) is
    not theirs to mask, so it is masked on the way out, for every exporter alike."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self.inner.on_end(masked_span(span))

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)
