"""Hostile: make tens of thousands of empty files in the working folder (inodes, and a slow clean-up)."""
for i in range(50000):
    open(f"empty{i}", "w").close()
print("MADE ALL", flush=True)
