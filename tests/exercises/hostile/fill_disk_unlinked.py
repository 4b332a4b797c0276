"""Hostile: fill the disk through a file unlinked while open (no name in any folder) and from a folder it locks."""
import os

handles = []
try:  # behind the OS wall the child may not make folders; without it, it may
    os.mkdir("hidden")
    handles.append(open("hidden/fill.bin", "wb"))
    os.chmod("hidden", 0)  # the folder can no longer be listed
    print("LOCKED A FOLDER", flush=True)
except OSError:
    print("NO FOLDER", flush=True)
handles.append(open("gone.bin", "wb"))
os.unlink("gone.bin")  # no name left, but the space stays taken while the file is open
block = b"\1" * 2**20
for i in range(400):  # 400 to 800 MiB if nothing stops it
    for handle in handles:
        handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())
    print("FILLED", i + 1, flush=True)
