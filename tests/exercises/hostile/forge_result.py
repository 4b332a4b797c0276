"""Hostile: write a perfect score where the old grader read its result, then end the process."""
import json
import os

for name in ("result.json", "result_0.npz", "result_1.npz"):
    with open(name, "w") as handle:
        json.dump({"name": "linear", "points": 1000, "max_points": 1, "status": "pass", "checks": []}, handle)
os._exit(0)
