"""The officer pages' tests use the question-thread helpers and fixtures."""

from tests.threads.conftest import asker, officer2, other  # noqa: F401  (fixtures)
