"""The discrete-event core: order of actions and seeded generators."""

from __future__ import annotations

from simulator.engine import Engine


def test_actions_run_by_time_then_priority_then_scheduling_order():
    engine, seen = Engine(seed=1), []
    engine.at(10, lambda: seen.append("late"))
    engine.at(5, lambda: seen.append("b"), priority=50)
    engine.at(5, lambda: seen.append("a"), priority=10)
    engine.at(5, lambda: seen.append("c"), priority=50)
    engine.run(until=100)
    assert seen == ["a", "b", "c", "late"]
    assert engine.now == 100


def test_actions_at_or_after_until_wait():
    engine, seen = Engine(seed=1), []
    engine.at(100, lambda: seen.append("x"))
    engine.run(until=100)
    assert seen == []


def test_an_action_can_schedule_more():
    engine, seen = Engine(seed=1), []

    def tick() -> None:
        seen.append(engine.now)
        if engine.now < 30:
            engine.after(10, tick)

    engine.at(0, tick)
    engine.run(until=1_000)
    assert seen == [0, 10, 20, 30]


def test_same_seed_same_child_generators():
    a, b = Engine(seed=42), Engine(seed=42)
    assert [a.child_rng().random() for _ in range(3)] == [b.child_rng().random() for _ in range(3)]
    assert Engine(seed=43).child_rng().random() != Engine(seed=42).child_rng().random()


def test_progress_is_reported_in_order_and_at_most_a_thousand_times():
    engine, reported = Engine(seed=1), []
    for t in range(0, 100_000, 7):
        engine.at(t, lambda: None)
    engine.run(until=100_000, on_progress=reported.append)
    assert 900 <= len(reported) <= 1_001
    assert reported == sorted(reported) and reported[0] == 0
