"""A command whose reader went away: ``python -m minigrad.exercises list | head -1`` ends quietly.

When ``head`` has read its line it exits, and the next write to stdout
raises ``BrokenPipeError``.  That is not a failure of the command but the
reader's choice, so a command line should stop without a traceback, as
``cat`` and ``yes`` do (they die of SIGPIPE, which shells report as 141).
Python ignores SIGPIPE and raises instead, so each entry point catches the
error, points stdout at ``os.devnull`` (else the interpreter's last flush at
exit fails again and prints "Exception ignored ... BrokenPipeError") and
returns ``BROKEN_PIPE``.
"""
import functools
import io
import os
import sys

BROKEN_PIPE = 141  # 128 + SIGPIPE (13): the status a shell reports for a command killed by a closed pipe


def quiet_on_broken_pipe(main):
    """Wrap a command line's ``main``: a closed stdout ends it with status 141 and nothing on stderr."""
    @functools.wraps(main)
    def run(*args, **kwargs):
        try:
            try:
                status = main(*args, **kwargs)
            except SystemExit as done:  # argparse's --help exits from inside main, its text still buffered
                status = done
            sys.stdout.flush()  # the last buffered lines go out here, where a closed pipe is still caught
        except BrokenPipeError:
            _silence_stdout()
            return BROKEN_PIPE
        if isinstance(status, SystemExit):
            raise status
        return status
    return run


def _silence_stdout():
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return  # stdout is no file (a test's capture): no flush at exit can fail
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
