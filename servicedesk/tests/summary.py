"""Counts the sweeps report at the end of the run (see conftest.py)."""

LINES: dict[str, list[str]] = {}


def record(sweep: str, line: str) -> None:
    LINES.setdefault(sweep, []).append(line)
