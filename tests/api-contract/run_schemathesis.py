"""Starts schemathesis's command line with two guards against a bug of Python 3.11 up to 3.11.7.

That interpreter can raise SystemError ("AST constructor recursion depth mismatch") while it
parses a large module. Hypothesis parses schemathesis's own modules only to name a filter's
lambda in a strategy's description, never to generate or check a request; so the recursion limit
is raised, and a description that still fails becomes a plain one instead of ending the run.
"""

import sys

from hypothesis.internal import lambda_sources

sys.setrecursionlimit(20000)
_describe = lambda_sources.lambda_description


def _lambda_description(f):
    try:
        return _describe(f)
    except SystemError:
        return "lambda"


lambda_sources.lambda_description = _lambda_description

from schemathesis.cli import schemathesis  # noqa: E402  (after the guard, on purpose)

sys.argv[0] = "schemathesis"
sys.exit(schemathesis())
