"""Print the sweeps' counts (schemathesis, the access sweep) after the run."""

from .summary import LINES


def pytest_terminal_summary(terminalreporter):
    if not LINES:
        return
    terminalreporter.section("security sweeps")
    for sweep, lines in LINES.items():
        for line in lines:
            terminalreporter.write_line(f"{sweep}: {line}")
