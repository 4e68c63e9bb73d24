"""The allocation tests' shared office: teams, a manager and practitioners of each grade."""

from tests.app.allocation.test_allocation import office  # noqa: F401 - the fixture
