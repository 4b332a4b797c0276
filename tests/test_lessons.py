"""Every lesson runs with --quick as a script and as a notebook, explains itself, and has a check that can fail.

Lessons are found by the glob lessons/NN_*.py, so a new lesson is tested as soon as it exists.
"""
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
SCRIPTS = sorted(LESSONS.glob("[0-9][0-9]_*.py"))
IDS = [p.stem for p in SCRIPTS]


def run(script, *args, cwd=None):
    """Run a lesson script as a student would, headless, with this checkout's minigrad and _lesson importable."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join([str(LESSONS), str(ROOT)]), COLUMNS="80")
    for name in ("MINIGRAD_LESSON_QUICK", "MINIGRAD_LESSON_TEXT", "MINIGRAD_LESSON_STEP", "MINIGRAD_LESSON_OUT"):
        env.pop(name, None)
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=env, cwd=cwd, timeout=300)


def from_lessons(name):
    """Import one of lessons/'s helper modules (the lessons import them by plain name, as here)."""
    sys.path.insert(0, str(LESSONS))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(LESSONS))


def test_lessons_are_numbered_once_each_from_1():
    numbers = [int(p.name[:2]) for p in SCRIPTS]
    assert numbers[0] == 1 and len(set(numbers)) == len(numbers), numbers


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_lesson_runs_quick_as_a_script(script, tmp_path):
    result = run(script, "--quick", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "check ok:" in result.stdout
    assert "check FAILED" not in result.stdout
    assert "=== done:" in result.stdout
    assert list(tmp_path.glob("*.png")), "the lesson wrote no figure"


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_lesson_runs_quick_as_a_notebook_with_its_figures_inline(script, tmp_path):
    pytest.importorskip("jupytext")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    _notebook = from_lessons("_notebook")
    nb = _notebook.notebook(script)
    out = tmp_path / "figures"
    _notebook.execute(nb, cwd=tmp_path, quick=True, out=out, timeout=300)  # raises on the first failing cell
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "=== done:" in text and "check FAILED" not in text
    written = list(out.glob("*.png"))
    assert written, "the notebook wrote no figure to MINIGRAD_LESSON_OUT"
    assert _notebook.images(nb) >= len(written), "every figure written is also shown inline in the notebook's outputs"


def test_the_notebook_kernel_is_this_python_ignores_argv_and_takes_its_options_from_the_environment(tmp_path):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    _notebook = from_lessons("_notebook")
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import sys; sys.path[:0] = [{str(LESSONS)!r}, {str(ROOT)!r}]"),
        nbformat.v4.new_code_cell("from _lesson import Lesson\nlesson = Lesson('probe')\n"
                                  "print('argv', sys.argv[1:2], 'quick', lesson.quick, 'out', lesson.out.name, 'notebook', lesson.notebook)\n"
                                  "print('python', sys.executable)"),
    ])
    _notebook.execute(nb, cwd=tmp_path, quick=True, out=tmp_path / "elsewhere")
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "argv ['-f']" in printed  # the kernel's own argument, which argparse used to reject
    assert "quick True out elsewhere notebook True" in printed
    # kernel "python3" is ipykernel's spec for the interpreter running the tests: a fresh CI venv needs no kernel install
    assert f"python {sys.executable}" in printed


def test_the_terminal_run_prints_the_explanations_before_the_code_with_formulas_verbatim(tmp_path):
    result = run(LESSONS / "07_backpropagation.py", "--quick", "--out", str(tmp_path))
    out = result.stdout
    assert result.returncode == 0, out[-2000:] + result.stderr[-2000:]
    # the intro's aligned formula block survives the wrapping, spaces and all
    assert "\n    z1 = x W1^T + b1      (N, H)\n    h  = tanh(z1)         (N, H)\n" in out
    # a markdown cell's prose is on screen, before the step it explains
    assert out.index("## Step 2: the output layer") < out.index("Softmax followed by cross-entropy has the famous gradient") \
        < out.index("--- dL/dz2")
    assert max(len(line) for line in out.splitlines() if not line.startswith(" ")) <= 80
    terse = run(LESSONS / "07_backpropagation.py", "--quick", "--no-text", "--out", str(tmp_path)).stdout
    assert "famous gradient" not in terse and "--- step 2: dL/dz2" in terse and "check ok:" in terse


def test_text_rendering_wraps_prose_and_keeps_lists_formulas_and_tables():
    markdown_cells, render = from_lessons("_text").markdown_cells, from_lessons("_text").render
    source = "# %% [markdown]\n# # Title\n# ## Step 2: the **output** layer\n# one two three four five six seven\n#\n" \
             "#     a  = b + c\n#     bb = d\n#\n# - an item that is long enough\n#   to wrap here\n# | x | y |\n\n# %%\nx = 1\n"
    cells = markdown_cells(source)
    assert [line for line, _ in cells] == [1]
    lines = render(cells[0][1], width=20, skip_title=True)
    assert lines == ["## Step 2: the output layer", "one two three four", "five six seven", "",
                     "    a  = b + c", "    bb = d", "", "- an item that is", "  long enough to", "  wrap here", "| x | y |"]


def test_a_multi_line_formula_keeps_its_equals_signs_aligned():
    formula_lines = from_lessons("_text").formula_lines
    formula = """dL/dw = dL/dp * dp/dz
           = X^T (p - y) / N"""
    assert formula_lines(formula) == ["dL/dw = dL/dp * dp/dz", "      = X^T (p - y) / N"]
    assert formula_lines("a = 1;  b = 2") == ["a = 1;  b = 2"]


def test_python_m_lessons_notebooks_writes_one_notebook_per_lesson_from_its_script(tmp_path):
    pytest.importorskip("jupytext")
    import json

    result = subprocess.run([sys.executable, "-m", "lessons", "notebooks", str(tmp_path), "3,7"], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == ["03_perceptron.ipynb", "07_backpropagation.ipynb"]
    cells = json.loads((tmp_path / "07_backpropagation.ipynb").read_text(encoding="utf-8"))["cells"]
    assert "sys.path[:0]" in "".join(cells[0]["source"])  # the setup cell, so that it runs wherever it is saved
    kinds = [c["cell_type"] for c in cells[1:]]
    assert kinds.count("markdown") == (LESSONS / "07_backpropagation.py").read_text().count("# %% [markdown]")
    notes = (tmp_path / "07_backpropagation.ipynb").read_text(encoding="utf-8").replace("Backpropagation", "MY NOTES")
    (tmp_path / "07_backpropagation.ipynb").write_text(notes, encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "lessons", "notebooks", str(tmp_path), "7"], capture_output=True,
                           text=True, cwd=ROOT, timeout=120)
    assert "kept" in again.stdout and "--force" in again.stdout  # a student's edits are never replaced unasked
    assert (tmp_path / "07_backpropagation.ipynb").read_text(encoding="utf-8") == notes
    forced = subprocess.run([sys.executable, "-m", "lessons", "notebooks", str(tmp_path), "7", "--force"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "replaced" in forced.stdout and "MY NOTES" not in (tmp_path / "07_backpropagation.ipynb").read_text()


def test_lesson_list_names_every_lesson():
    result = subprocess.run([sys.executable, "-m", "lessons"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for script in SCRIPTS:
        assert script.name in result.stdout


def test_step_mode_runs_straight_through_without_a_terminal(tmp_path):
    result = run(SCRIPTS[0], "--quick", "--step", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[Enter" not in result.stdout


# One deliberate mistake per lesson: (the exact source snippet, what it becomes).  The lesson, patched in a copy,
# must stop with "check FAILED": each lesson holds at least one claim that its checks would catch breaking.
PERTURBATIONS = {
    # the hand-derived gradient with its sign flipped
    "01_logistic_regression": ("by_hand = X.T @ ((X @ w.detach()).sigmoid() - y) / n", "by_hand = X.T @ (y - (X @ w.detach()).sigmoid()) / n"),
    # the mini-batch gradient scaled by N/(B + 1) instead of N/B: biased
    "02_sgd": ("(N / B) * gradient(r) for r in rows", "(N / (B + 1)) * gradient(r) for r in rows"),
    # labels that a line can separate (AND) instead of XOR: the grid of lines must notice
    "03_perceptron": ("xor_labels = minigrad.tensor([0.0, 1.0, 1.0, 0.0])", "xor_labels = minigrad.tensor([0.0, 0.0, 0.0, 1.0])"),
    # no nonlinearity between the layers
    "04_neural_layers": ("deep = (x @ W1.T + b1).tanh() @ W2.T + b2", "deep = (x @ W1.T + b1) @ W2.T + b2"),
    # a sign slip in the derivative written through the function
    "05_activations": ("s * (1 - s), atol=1e-12)", "s * (1 + s), atol=1e-12)"),
    # gradient ascent on the cross-entropy instead of descent
    "06_softmax_cross_entropy": ("s = s - 1.0 * (s.softmax(dim=0) - P)", "s = s + 1.0 * (s.softmax(dim=0) - P)"),
    # the tanh derivative's sign flipped
    "07_backpropagation": ("dz1 = dh * (1 - hn**2)", "dz1 = dh * (1 + hn**2)"),
    # the tanh derivative's sign flipped in the hand derivation the tracer is checked against
    "08_watching_backward": ("dz1 = dh * (1 - hn**2)", "dz1 = dh * (1 + hn**2)"),
    # presence instead of counts
    "09_bag_of_words_mlp": ('counts = BagOfWords(vocab, mode="count")', 'counts = BagOfWords(vocab, mode="binary")'),
    # the padding row forgotten
    "10_embeddings": ("embedding = nn.Embedding(V, D, padding_idx=vocab.pad_index)", "embedding = nn.Embedding(V, D)"),
    # k-max without putting the positions back in sentence order
    "11_convolution_over_text": ("positions = np.sort(g.topk(k, dim=2).indices.numpy(), axis=2)", "positions = g.topk(k, dim=2).indices.numpy()"),
    # the parameter count without the convolutions' biases
    "12_textcnn": ("sum(k * E_ * F_ + F_ for k in widths)", "sum(k * E_ * F_ for k in widths)"),
    # "removing" a word that leaves the sentence as it was: the top-ranked word must then move the logit no more
    "13_which_words_decided": ("ids[:t] + [vocab.pad_index] + ids[t + 1:]", "ids[:t] + [ids[t]] + ids[t + 1:]"),
    # label smoothing spread over C - 1 classes instead of C
    "14_losses": ("smoothed_by_hand = ((1 - eps) * nll + eps / C *", "smoothed_by_hand = ((1 - eps) * nll + eps / (C - 1) *"),
    # Adam without its bias correction
    "15_optimisation_regularisation": ("(m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)", "m / (np.sqrt(v) + eps)"),
    # validation sentences leaking into the training split
    "16_complete_pipeline": ("np.flatnonzero(part >= 2), np.flatnonzero(part == 1)", "np.flatnonzero(part >= 1), np.flatnonzero(part == 1)"),
    # BPTT without the gradient that flows back from the next step through W_hh
    "17_recurrent_networks": ("    g = w[t] + da_next @ W_hh\n", "    g = w[t]\n"),
    # the LSTM's gates read in the order i, g, f, o instead of PyTorch's i, f, g, o
    "18_lstm_gru": ("i, f, g, o = sigma(a[:, :H]), sigma(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigma(a[:, 3 * H:])",
                    "i, g, f, o = sigma(a[:, :H]), np.tanh(a[:, H:2 * H]), sigma(a[:, 2 * H:3 * H]), sigma(a[:, 3 * H:])"),
    # the backward direction compared without reversing its outputs back into sentence order
    "19_bilstm_attention": ("back.detach().numpy()[::-1], atol=1e-14)", "back.detach().numpy(), atol=1e-14)"),
    # the loss by hand summed over the words instead of averaged
    "20_pos_tagging": ("by_hand = -np.mean([log_p[n, t, y[n, t]]", "by_hand = -np.sum([log_p[n, t, y[n, t]]"),
    # the forward algorithm with the transition matrix read backwards (A[j, i] for i followed by j)
    "21_crf": ("alpha = np.logaddexp.reduce(alpha[:, None] + A, axis=0) + E[t]",
               "alpha = np.logaddexp.reduce(alpha[:, None] + A.T, axis=0) + E[t]"),
}


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_a_deliberate_mistake_makes_a_check_fail(script, tmp_path):
    if script.stem not in PERTURBATIONS:
        pytest.fail(f"no perturbation registered for {script.stem}: add one to PERTURBATIONS in tests/test_lessons.py "
                    "(every lesson must hold a check that fails when its claim is broken)")
    old, new = PERTURBATIONS[script.stem]
    source = script.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"the snippet {old!r} must occur exactly once in {script.name}"
    copy = tmp_path / script.name
    copy.write_text(source.replace(old, new), encoding="utf-8")
    result = run(copy, "--quick", "--no-text", "--out", str(tmp_path / "figures"))
    assert result.returncode != 0 and "check FAILED" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]


@pytest.mark.parametrize("script", SCRIPTS, ids=IDS)
def test_the_exercises_a_lesson_names_exist(script):
    import re

    from minigrad.exercises.bank import ORDER as BY_NAME

    commands = re.findall(r"python -m minigrad\.exercises start (\S+)((?: [a-z_0-9]+)*)", script.read_text(encoding="utf-8"))
    if not commands:
        pytest.skip(f"{script.name} names no exercise yet")
    for _, names in commands:
        unknown = [name for name in names.split() if name not in BY_NAME]
        assert not unknown, f"{script.name} names exercises that do not exist: {unknown}; see python -m minigrad.exercises list"


def test_the_course_map_points_at_steps_that_exist_and_covers_every_lesson():
    import re

    text = (LESSONS / "README.md").read_text(encoding="utf-8")
    course_map = text[text.index("## From the lecture and the tutorial to the lessons"):text.index("Where the slides slip")]
    steps = {int(p.name[:2]): {int(n) for n in re.findall(r"^# ## Step (\d+):", p.read_text(encoding="utf-8"), re.M)} for p in SCRIPTS}
    cited = set()
    for lesson, first, last in re.findall(r"\b(\d{1,2})\.(\d+)(?:-\d{1,2}\.(\d+))?", course_map):  # "3.5" or "2.1-2.3"
        lesson, first = int(lesson), int(first)
        for step in range(first, int(last or first) + 1):
            assert lesson in steps and step in steps[lesson], f"the map cites {lesson}.{step}, which is no '## Step {step}' of lesson {lesson}"
            cited.add(lesson)
    mine = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16}  # lessons added later add their own rows
    assert mine <= cited, f"lessons missing from the map: {sorted(mine - cited)}"
