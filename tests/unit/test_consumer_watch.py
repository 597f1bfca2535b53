"""The consumer's watchdog: rebuilt only when behind and not moving for the stall time."""

from __future__ import annotations

import pytest

from shared.kafka import consumer
from shared.kafka.consumer import ProgressWatch


@pytest.fixture
def clock(monkeypatch):
    moment = [1000.0]
    monkeypatch.setattr(consumer.time, "monotonic", lambda: moment[0])
    return moment


def test_behind_and_still_for_the_stall_time_is_stalled(clock):
    watch = ProgressWatch(check_seconds=5, stall_seconds=15)
    assert not watch.stalled({"p0": 3}, behind=True)
    clock[0] += 14.9
    assert not watch.stalled({"p0": 3}, behind=True)
    clock[0] += 0.1
    assert watch.stalled({"p0": 3}, behind=True)


def test_moving_or_caught_up_is_never_stalled(clock):
    watch = ProgressWatch(check_seconds=5, stall_seconds=15)
    for position in range(10):
        clock[0] += 10
        assert not watch.stalled({"p0": position}, behind=True)  # slow, but moving
    for _ in range(10):
        clock[0] += 10
        assert not watch.stalled({"p0": 9}, behind=False)  # nothing to fetch
    # Falling behind again starts the stall time afresh.
    assert not watch.stalled({"p0": 9}, behind=True)
    clock[0] += 10
    assert not watch.stalled({"p0": 9}, behind=True)


def test_checks_are_spaced(clock):
    watch = ProgressWatch(check_seconds=5, stall_seconds=15)
    assert watch.due()
    clock[0] += 4.9
    assert not watch.due()
    clock[0] += 0.1
    assert watch.due()
