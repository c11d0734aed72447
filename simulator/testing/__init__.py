"""Tools for testing regulatory rules: Hypothesis strategies (`strategies`) and pytest fixtures
with a deployed market (`fixtures`; in a conftest.py:
`pytest_plugins = ["simulator.testing.fixtures"]`)."""
