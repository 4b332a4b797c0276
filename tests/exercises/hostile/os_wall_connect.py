"""Hostile (OS wall): open a TCP connection to the machine itself (the port is in port.txt beside this file)."""
import socket
from pathlib import Path

port = int((Path(__file__).resolve().parent / "port.txt").read_text())
try:
    socket.create_connection(("127.0.0.1", port), timeout=5).sendall(b"exfiltrated")
    print("CONNECT DONE", flush=True)
except OSError as error:
    print("CONNECT DENIED", type(error).__name__, flush=True)
