"""Rates and the per-client token bucket, on an injected clock."""

from __future__ import annotations

import pytest

from converter.runtime.limits import Rate, RateLimiter, parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/s", Rate(10, 1)), (" 100 / m ", Rate(100, 60)), ("0.5/s", Rate(0.5, 1)), ("7/h", Rate(7, 3600))],
)
def test_rates_are_parsed(text: str, rate: Rate) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["10", "0/s", "10/d", "-1/s", "ten/s", ""])
def test_what_is_not_a_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(text)


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait() -> None:
    now = [100.0]
    limiter = RateLimiter(clock=lambda: now[0])
    rate = parse_rate("2/s")
    assert [limiter.acquire("a", rate) for _ in range(2)] == [0, 0]
    assert limiter.acquire("a", rate) == pytest.approx(0.5)
    assert limiter.acquire("b", rate) == 0  # each client has its own bucket
    now[0] += 0.5
    assert limiter.acquire("a", rate) == 0
    assert limiter.acquire("a", rate) == pytest.approx(0.5)
    now[0] += 60
    assert [limiter.acquire("a", rate) for _ in range(3)] == [0, 0, pytest.approx(0.5)]  # refills to its burst only


def test_a_rate_below_one_per_unit_still_allows_one_call() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    rate = parse_rate("0.5/s")
    assert limiter.acquire("a", rate) == 0
    assert limiter.acquire("a", rate) == pytest.approx(2.0)


def test_buckets_full_again_are_forgotten_once_there_are_many_and_busy_ones_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("converter.runtime.limits.MAX_IDLE_BUCKETS", 3)
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    rate = parse_rate("1/s")
    for caller in ("a", "b"):
        limiter.acquire(caller, rate)  # empty, full again at 1.0
    now[0] = 0.9
    assert limiter.acquire("busy", rate) == 0  # empty, full again at 1.9
    now[0] = 1.2
    limiter.acquire("c", rate)  # the fourth bucket: prune
    assert set(limiter._buckets) == {"busy", "c"}
    assert limiter.acquire("busy", rate) == pytest.approx(0.7)  # its wait survived the pruning
