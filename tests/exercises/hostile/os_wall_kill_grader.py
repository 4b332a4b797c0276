"""Hostile (OS wall): kill the grader, then its whole process group, so that nobody after this one is graded."""
import os
import signal

for label, kill in (("KILL", lambda: os.kill(os.getppid(), signal.SIGKILL)),
                    ("KILLPG", lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGKILL))):
    try:
        kill()
        print(label, "SENT", flush=True)
    except OSError as error:
        print(label, "DENIED", type(error).__name__, flush=True)
