"""Hostile: start a process in a session of its own that outlives the grading (it writes its pid first)."""
import subprocess
import sys

process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
print("DETACHED", process.pid, flush=True)
