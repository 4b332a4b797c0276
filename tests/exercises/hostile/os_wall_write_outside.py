"""Hostile (OS wall): plant files beside the submissions and in /tmp (the names derive from the submissions' path)."""
from pathlib import Path

submissions = Path(__file__).resolve().parents[1]
planted = [submissions / "planted.txt", Path("/tmp") / (str(submissions).strip("/").replace("/", "_") + "_planted.txt")]
for path in planted:
    try:
        path.write_text("a hostile submission was here")
        print("PLANT WROTE", path, flush=True)
    except OSError as error:
        print("PLANT DENIED", type(error).__name__, flush=True)
