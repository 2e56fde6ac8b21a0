"""The command line's tests run `assess` in a workspace like the flows' tests do."""

from tests.flows.conftest import workspace  # noqa: F401  (the shared fixture)
