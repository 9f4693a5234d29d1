"""Retries of the steps that write (raw ingestion, dbt build, publish): a transient
failure — the file system (a full disk, a busy network share) or a DuckDB file lock held
for a moment by another process — is tried again with exponential backoff. Anything else
fails the step at once: a bug or a failing blocking check gives the same answer when run
again, and bad files never raise (they are quarantined by the loaders)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

# What passes: the operating system's I/O errors and DuckDB's (its "Could not set lock
# on file" when another process holds the database is one).
TRANSIENT_ERRORS = (OSError, duckdb.IOException)

# Up to 3 retries, Dagster's exponential backoff ((2^n - 1) x 2 s: 2, 6, 14 s), each
# moved by up to ±2 s so that two runs that failed together do not retry together.
WRITE_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=2, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)

# How dbt reports the same transient causes in run_results.json.
_TRANSIENT_DBT_MESSAGE = re.compile(
    r"IO Error|Could not set lock|No space left|Resource temporarily unavailable", re.IGNORECASE
)


class TransientFailure(Exception):
    """A step failed for a reason that may pass: the retry policy runs it again."""


@contextmanager
def only_transient_failures_retried(step: str) -> Iterator[None]:
    """Lets a transient error through to the retry policy; turns any other into a failure
    that the policy does not retry."""
    try:
        yield
    except (*TRANSIENT_ERRORS, TransientFailure, dg.Failure):
        raise
    except Exception as error:
        raise dg.Failure(f"{step} failed: {error}", allow_retries=False) from error


def dbt_build_failure(results: list[dict]) -> Exception:
    """Why a `dbt build` did not succeed, as the exception its step raises: transient when
    every node that failed errored on I/O or a lock (the build may pass when run again),
    else a failure not retried (a failing test is bad data or a bug, an erroring model a bug)."""
    failed = [result for result in results if result["status"] in ("fail", "error")]
    tests = sum(result["unique_id"].startswith("test.") for result in failed)
    summary = f"dbt build failed: {tests} check(s) and {len(failed) - tests} model(s) did not pass"
    if failed and all(
        result["status"] == "error" and _TRANSIENT_DBT_MESSAGE.search(result.get("message") or "") for result in failed
    ):
        return TransientFailure(f"{summary} ({(failed[0].get('message') or '').strip().splitlines()[0]})")
    return dg.Failure(summary, allow_retries=False)
