"""Hostile submissions (files in hostile/): each scores at most what it earned honestly, and grading goes on.

Each one is handed in as ``linear.py`` beside a correct ``sigmoid.py``,
which must still score full marks.  The rules refuse most of them before
they run; the ones that matter for the process boundary itself are graded
a second time with the rules relaxed (a course's ``allow``), to show that
the child cannot forge a score, outlive its limits or leave a process
behind even when it runs.
"""
import json
import os
import re
import shutil
import time

import pytest

from minigrad.exercises import Course, grader, sandbox

from .helpers import COURSE, HOSTILE, SOLUTIONS, by_name, solved

RELAXED = ["os", "sys", "json", "pickle", "zipfile", "subprocess", "resource", "minigrad", "_", "open", "save", "dump",
           "savez"]


# The lecture's exercises (lessons 1-7) face the same battery, handed in under their own names.
LECTURE = ["logistic_regression", "minibatch_gradient", "perceptron", "softmax_temperature", "backprop_two_layer"]


def hand_in(folder, hostile, course=COURSE, companion=True, name="linear"):
    folder = solved(folder, ["sigmoid"] if companion else [])
    shutil.copy(HOSTILE / hostile, folder / f"{name}.py")
    result = grader.grade_folder(folder, [name, "sigmoid"] if companion else [name], course)
    marks = by_name(result)
    if companion:
        assert marks["sigmoid"]["points"] == 10, "grading must go on after a hostile exercise"
        assert result["max_points"] == 20
    return marks[name]


def relaxed(timeout=4.0):
    return Course(timeout=timeout, per_exercise={"linear": {"allow": RELAXED}})


@pytest.mark.parametrize("name", ["linear"] + LECTURE)
@pytest.mark.parametrize("hostile", ["forge_result.py", "os_exit.py", "kill_parent.py", "detached_child.py",
                                     "import_reference.py", "exec_reference.py", "patch_checks.py",
                                     "dunder_escape.py", "write_outside.py", "lift_limit.py", "garbage_result.py",
                                     "frame_escape.py", "match_escape.py", "numpy_builtins.py", "dump_file.py",
                                     "array_interface.py", "type_namespace.py"])
def test_the_rules_refuse_it_with_the_line(tmp_path, hostile, name):
    marks = hand_in(tmp_path, hostile, companion=False, name=name)  # nothing runs, so nothing else is at risk
    assert (marks["points"], marks["status"]) == (0, "refused")
    assert ", line " in marks["reason"]


@pytest.mark.parametrize("hostile", ["forge_result.py", "garbage_result.py", "patch_checks.py", "os_exit.py"])
def test_the_lecture_exercises_cannot_be_forged_even_when_it_runs(tmp_path, hostile):
    """Each lecture exercise handed in as the hostile file, the rules relaxed: none scores, the companion does."""
    folder = solved(tmp_path, ["sigmoid"])
    for name in LECTURE:
        shutil.copy(HOSTILE / hostile, folder / f"{name}.py")
    course = Course(timeout=4.0, per_exercise={name: {"allow": RELAXED} for name in LECTURE})
    result = grader.grade_folder(folder, LECTURE + ["sigmoid"], course)
    marks = by_name(result)
    assert marks["sigmoid"]["points"] == 10, "grading must go on after a hostile exercise"
    assert {name: marks[name]["points"] for name in LECTURE} == dict.fromkeys(LECTURE, 0)
    assert result["max_points"] == 10 * (len(LECTURE) + 1)


def test_a_forged_result_file_is_never_read(tmp_path):
    linear = hand_in(tmp_path, "forge_result.py", relaxed())
    assert linear["points"] == 0 and linear["max_points"] == 10


def test_garbage_results_are_refused_unread(tmp_path):
    linear = hand_in(tmp_path, "garbage_result.py", relaxed())
    assert linear["points"] == 0
    assert "refused" in linear["reason"] or "ended early" in linear["reason"]


def test_points_earned_before_the_process_ends_stay(tmp_path):
    linear = hand_in(tmp_path, "os_exit.py", relaxed())
    assert linear["points"] == 3  # forward and forward_float32, streamed before backward ended the process
    assert "ended early" in linear["reason"]


def test_points_earned_before_a_hang_stay(tmp_path):
    linear = hand_in(tmp_path, "endless_backward.py", Course(timeout=3.0))
    assert linear["points"] == 3 and linear["status"] == "timeout"


def test_running_out_of_cpu_time_is_a_timeout_too(tmp_path, monkeypatch):
    """On an idle machine a busy loop reaches the CPU limit as soon as the wall clock's: the same verdict."""
    from minigrad.exercises import sandbox

    limits = sandbox.Limits
    monkeypatch.setattr(sandbox, "Limits", lambda wall, cpu, memory_mb: limits(wall=60.0, cpu=2.0, memory_mb=memory_mb))
    linear = hand_in(tmp_path, "endless_backward.py", Course(timeout=3.0))
    assert linear["points"] == 3 and linear["status"] == "timeout"
    assert "CPU time" in linear["reason"]


def test_limits_cannot_be_lifted(tmp_path):
    linear = hand_in(tmp_path, "lift_limit.py", relaxed(timeout=3.0))
    assert "LIMITS refused refused refused" in linear["output"]
    assert linear["points"] == 3


def test_a_detached_process_does_not_outlive_the_grading(tmp_path):
    start = time.monotonic()
    linear = hand_in(tmp_path, "detached_child.py", relaxed())
    assert time.monotonic() - start < 300  # the sleeper lives 600 s unless the grader kills it
    assert linear["points"] == 0
    words = linear["output"].split()
    if "DETACHED" in words:  # as root the child may fork; otherwise RLIMIT_NPROC stops it at once
        pid = int(words[words.index("DETACHED") + 1])
        time.sleep(0.2)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_submission_cannot_fill_the_disk_from_its_working_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "SCRATCH_LIMIT", 16 * 2**20)  # 512 MiB in a course; less here, to keep CI quick
    linear = hand_in(tmp_path, "fill_disk.py", relaxed(timeout=60.0))
    assert linear["points"] == 0
    assert "wrote more than 16 MiB or 1000 files in its working folder" in json.dumps(linear)
    filled = max(map(int, re.findall(r"FILLED (\d+)", linear["output"])))
    assert 10 <= filled < 100  # stopped about its 16th MiB, within a few of the watcher's looks, not at 400


def test_nor_through_an_unlinked_file_or_a_folder_it_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "SCRATCH_LIMIT", 16 * 2**20)
    linear = hand_in(tmp_path, "fill_disk_unlinked.py", relaxed(timeout=60.0))
    assert "wrote more than 16 MiB or 1000 files in its working folder" in json.dumps(linear)
    assert max(map(int, re.findall(r"FILLED (\d+)", linear["output"]))) < 100  # 1 or 2 MiB a round: stopped near 16


def test_a_submission_cannot_make_files_without_end(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "SCRATCH_ENTRIES", 200)
    linear = hand_in(tmp_path, "many_files.py", relaxed(timeout=60.0))
    assert linear["points"] == 0 and "MADE ALL" not in linear["output"]
    assert "or 200 files in its working folder" in json.dumps(linear)


def test_patching_the_checks_patches_only_the_childs_copy(tmp_path):
    assert hand_in(tmp_path, "patch_checks.py", relaxed())["points"] == 0


def test_a_flood_of_output_is_cut_and_never_parsed(tmp_path):
    linear = hand_in(tmp_path, "flood_stdout.py", Course(timeout=20.0))
    assert linear["points"] == 3  # the forward is right; the backward is not written
    assert len(linear["output"]) < 10000 and "more bytes not shown" in linear["output"]


def test_output_that_mimics_the_grader_is_only_shown(tmp_path):
    linear = hand_in(tmp_path, "inject_stdout.py")
    assert linear["points"] == 0
    table = grader.format_table({"exercises": [linear], "points": 0, "max_points": 10, "passed": 0},
                                show_output=True)
    assert "      | total      130/130" in table  # indented under "your code printed", as text
    assert json.loads(json.dumps(linear))["points"] == 0


def test_terminal_control_sequences_are_shown_escaped_never_sent_to_the_terminal(tmp_path):
    linear = hand_in(tmp_path, "terminal_escapes.py")
    table = grader.format_table({"exercises": [linear], "points": 0, "max_points": 10, "passed": 0},
                                show_output=True)
    assert linear["points"] == 0 and not any(0x00 < ord(c) < 0x20 and c not in "\n" for c in table)
    assert "\\x1b[2J" in table and "\\x1b]52;c;" in table and "\\x1b[1A" in table  # visible, as text


def test_a_numerical_backward_loses_the_timed_check_only(tmp_path):
    linear = hand_in(tmp_path, "numerical_backward.py")
    assert [c["key"] for c in linear["checks"] if not c["passed"]] == ["fast"]
    assert linear["points"] == 8


def test_gradients_by_finite_differences_lose_the_timed_check_only(tmp_path):
    """Lesson 7's exercise is a plain function, not a Function: its timed check times the whole call."""
    marks = hand_in(tmp_path, "numerical_gradients.py", name="backprop_two_layer")
    assert [c["key"] for c in marks["checks"] if not c["passed"]] == ["fast"]
    assert marks["points"] == 8


def test_fast_but_wrong_gradients_earn_nothing_for_speed(tmp_path):
    marks = hand_in(tmp_path, "fast_zero_gradients.py", name="backprop_two_layer")
    assert marks["points"] == 0
    fast = next(c for c in marks["checks"] if c["key"] == "fast")
    assert not fast["passed"] and "must pass first" in fast["message"]


def test_a_shrunk_manifest_changes_no_maximum(tmp_path):
    folder = solved(tmp_path, ["linear"])
    shutil.copy(HOSTILE / "shrink_manifest.json", folder / "assignment.json")
    result = grader.grade_folder(folder, ["linear"], COURSE)
    assert (result["points"], result["max_points"]) == (10, 10)


def test_a_link_to_a_classmates_file_or_to_a_solution_earns_nothing(tmp_path):
    """A symbolic link is not the student's own file (a tar archive can carry one), however good its target."""
    alice = solved(tmp_path / "alice", ["sigmoid"])
    mallory = solved(tmp_path / "mallory", [])
    (mallory / "sigmoid.py").symlink_to(alice / "sigmoid.py")
    (mallory / "relu.py").symlink_to(SOLUTIONS / "relu.py")
    marks = by_name(grader.grade_folder(mallory, ["sigmoid", "relu"], COURSE))
    for name, target in (("sigmoid", alice / "sigmoid.py"), ("relu", SOLUTIONS / "relu.py")):
        assert (marks[name]["points"], marks[name]["status"]) == (0, "refused")
        assert f"{name}.py: it is a symbolic link (to {target})" in marks[name]["reason"]


def test_a_helper_module_that_is_a_link_is_refused_too(tmp_path):
    folder = solved(tmp_path, ["sigmoid"])
    (tmp_path / "elsewhere.py").write_text("import numpy as np\n")
    (folder / "mytools.py").symlink_to(tmp_path / "elsewhere.py")
    (folder / "sigmoid.py").write_text("import mytools\n" + (folder / "sigmoid.py").read_text())
    marks = by_name(grader.grade_folder(folder, ["sigmoid"], COURSE))
    assert marks["sigmoid"]["status"] == "refused" and "mytools.py: it is a symbolic link" in marks["sigmoid"]["reason"]


def test_a_student_folder_that_links_to_another_is_refused(tmp_path):
    submissions = tmp_path / "submissions"
    solved(submissions / "alice", ["sigmoid"])
    (submissions / "bob").symlink_to(submissions / "alice")
    graded = grader.grade_submissions(submissions, Course(timeout=20.0, exercises=["sigmoid"]))
    assert graded["alice"]["points"] == 10 and graded["bob"]["points"] == 0
    assert "is a symbolic link (to " in graded["bob"]["exercises"][0]["reason"]


# A numerical backward for any Function exercise: the reference solution with its backward replaced by central
# differences of its own forward - right values, no derivation.  Only the timed check may catch it.
NUMERICAL = '''

_written_forward = {cls}.forward


def _remembering_forward(ctx, *args):
    ctx.args = args
    return _written_forward(ctx, *args)


def _numerical_backward(ctx, grad_output):
    floats = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in ctx.args]
    args = [a.astype(np.float64) if f else a for a, f in zip(ctx.args, floats)]
    grads = []
    for which, a in enumerate(args):
        if not floats[which]:
            grads.append(None)
            continue
        grad = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            original = a[index]
            a[index] = original + 1e-6
            plus = (grad_output * _written_forward({cls}(), *args)).sum()
            a[index] = original - 1e-6
            minus = (grad_output * _written_forward({cls}(), *args)).sum()
            a[index] = original
            grad[index] = (plus - minus) / 2e-6
        grads.append(grad.astype(ctx.args[which].dtype))
    return tuple(grads)


{cls}.forward = staticmethod(_remembering_forward)
{cls}.backward = staticmethod(_numerical_backward)
'''
FUNCTION_EXERCISES = {"rnn_cell": "RNNCell", "lstm_cell": "LSTMCell", "bptt": "RNN", "attention": "Attention"}


@pytest.fixture(scope="module")
def numerical_backwards(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numerical")
    for name, cls in FUNCTION_EXERCISES.items():
        source = (SOLUTIONS / f"{name}.py").read_text() + NUMERICAL.format(cls=cls)
        (folder / f"{name}.py").write_text(source)
    return by_name(grader.grade_folder(folder, list(FUNCTION_EXERCISES), COURSE))


@pytest.mark.parametrize("name", list(FUNCTION_EXERCISES))
def test_a_numerical_backward_of_a_recurrent_or_attention_exercise_loses_the_timed_check_only(numerical_backwards,
                                                                                               name):
    result = numerical_backwards[name]
    assert [c["key"] for c in result["checks"] if not c["passed"]] == ["fast"], result
    assert result["points"] == 10 - next(c["max_points"] for c in result["checks"] if c["key"] == "fast")


def test_the_scratch_count_sees_locked_folders_and_unlinked_open_files(tmp_path):
    import subprocess
    import sys

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.bin").write_bytes(b"\1" * 2**20)
    os.chmod(tmp_path / "locked", 0)
    holder = subprocess.Popen([sys.executable, "-c", "import os, sys; f = open(sys.argv[1], 'wb'); os.unlink(sys.argv[1]); "
                               "f.write(b'1' * 2**21); f.flush(); os.fsync(f.fileno()); print('ready', flush=True); "
                               "sys.stdin.read()", str(tmp_path / "gone.bin")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        named, entries = sandbox._scratch_use(tmp_path)
        with_open, _ = sandbox._scratch_use(tmp_path, holder.pid)
    finally:
        holder.communicate("")
    assert entries == 2 and named >= 2**20  # the locked folder and its file, listed again
    assert with_open - named >= 2**21  # the unlinked file, through the holder's open descriptors
