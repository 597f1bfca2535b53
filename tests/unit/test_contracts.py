"""The generated code matches protos/, and event envelopes survive the wire."""

import subprocess
import sys
from pathlib import Path

import pytest

from servicehall.events.v1 import cases_pb2 as case_events
from shared.kafka.envelope import SCHEMA_VERSION, UndecodableEvent, decode, new_envelope

ROOT = Path(__file__).resolve().parents[2]


def test_generated_code_is_not_stale():
    result = subprocess.run(
        [sys.executable, "tools/gen_protos.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_envelope_round_trip():
    event = case_events.CaseSubmitted(case_number="AIC-20261128-00001", window_code="AIC-01")
    envelope = new_envelope(event, source="cases", partition_key=event.case_number)
    decoded, payload = decode(envelope.SerializeToString())
    assert decoded.event_id == envelope.event_id and len(decoded.event_id) == 36
    assert decoded.event_type == "servicehall.events.v1.CaseSubmitted"
    assert decoded.source == "cases"
    assert decoded.schema_version == SCHEMA_VERSION
    assert decoded.partition_key == "AIC-20261128-00001"
    assert decoded.occurred_at.seconds > 0
    assert payload == event


@pytest.mark.parametrize("value", [b"\xff\x00garbage", b"", b"not protobuf at all"])
def test_garbage_is_undecodable(value):
    with pytest.raises(UndecodableEvent):
        decode(value)


def test_unknown_schema_version_is_undecodable():
    envelope = new_envelope(case_events.CaseSubmitted(case_number="X"), source="cases", partition_key="X")
    envelope.schema_version = SCHEMA_VERSION + 1
    with pytest.raises(UndecodableEvent, match="schema_version"):
        decode(envelope.SerializeToString())
