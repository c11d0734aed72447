"""Hypothesis settings by profile: `ci` (default, a few minutes at most) and `thorough`.

Choose with the environment variable STOSIM_PROFILE=thorough. A failing example prints the
steps that reproduce it, and `@reproduce_failure` with the seed, as Hypothesis does.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILES = {
    # Hypothesis draws up to stateful_step_count steps per example, fewer on average; the
    # stateful test prints the steps it actually ran. ci: a few hundred; thorough: >= 10,000.
    # ci draws the same examples every run (derandomize), so CI never fails on a new draw;
    # thorough explores with fresh randomness
    "ci": {"max_examples": 30, "stateful_step_count": 20, "derandomize": True},
    "thorough": {"max_examples": 800, "stateful_step_count": 25},
}


def profile_name() -> str:
    name = os.environ.get("STOSIM_PROFILE", "ci")
    if name not in PROFILES:
        raise ValueError(f"STOSIM_PROFILE must be one of {sorted(PROFILES)}, not {name!r}")
    return name


def example_settings(max_examples: int = 15) -> settings:
    """Property-test settings: `max_examples` in CI (derandomized), 20 times more in thorough."""
    thorough = profile_name() == "thorough"
    return settings(
        max_examples=max_examples * (20 if thorough else 1),
        derandomize=not thorough,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def stateful_settings() -> settings:
    return settings(
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
        **PROFILES[profile_name()],
    )
