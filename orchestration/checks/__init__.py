"""Great Expectations checks of the raw tables, run as Dagster asset checks: the suites
(suites.py), the runner that validates them or reuses a stored result (runner.py) and the
asset checks (asset_checks.py). Results land in raw.data_quality_results."""
