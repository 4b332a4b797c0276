"""Hostile (OS wall): run programs (a shell, and a program by its path)."""
import os
import subprocess

print("SYSTEM", os.system("echo PROGRAM' 'RAN"), flush=True)  # the quotes keep the phrase out of this line's text
try:
    subprocess.run(["/bin/echo", "PROGRAM" + " RAN"], check=True)
    print("SUBPROCESS DONE", flush=True)
except OSError as error:
    print("SUBPROCESS DENIED", type(error).__name__, flush=True)
