"""The contract tests' market scene, shared with the differential rule tests."""

from tests.contracts.conftest import Scene, base_scene, scene  # noqa: F401  (fixtures)
