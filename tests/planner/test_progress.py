"""The progress display: a bar on a terminal, nothing at all in a log or a pipe."""

from __future__ import annotations

from planner.progress import progress


def test_no_stray_line_when_stderr_is_not_a_terminal(capsys) -> None:
    with progress(["zones", "wardens"], enabled=True) as steps:
        steps.start("zones")
        steps.start("wardens")
        steps.finish()
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    assert set(steps.durations) == {"zones", "wardens"}
