"""The two gates in front of the grader: the static rules of a submission, and the reader of result files."""
import os
import threading
import zipfile

import numpy as np
import pytest

from minigrad.exercises import rules, sandbox


def problems(tmp_path, source, allow=(), helpers=None):
    for name, text in (helpers or {}).items():
        (tmp_path / name).write_text(text)
    path = tmp_path / "linear.py"
    path.write_text(source)
    return rules.check_file(path, allow)


ALLOWED = """import math
import numpy as np
from numpy.linalg import norm
from minigrad import Function
import mytools

_, n = (1, 2)
if __name__ == "__main__":
    pass
"""


def test_an_honest_file_with_a_helper_module_passes(tmp_path):
    assert problems(tmp_path, ALLOWED, helpers={"mytools.py": "import numpy as np\n"}) == []


@pytest.mark.parametrize("line, words", [
    ("import os", "import os"),
    ("import sys", "import sys"),
    ("import subprocess", "import subprocess"),
    ("import ctypes", "import ctypes"),
    ("import importlib", "import importlib"),
    ("import torch", "import torch"),
    ("import minigrad.nn", "import minigrad.nn"),
    ("from minigrad import gradcheck", "from minigrad import gradcheck"),
    ("from minigrad.exercises import grader", "import minigrad.exercises"),
    ("from minigrad.autograd import Function", "import minigrad.autograd"),
    ("exec('1')", "exec"),
    ("eval('1')", "eval"),
    ("compile('1', 'f', 'exec')", "compile"),
    ("__import__('os')", "__import__"),
    ("open('f')", "open"),
    ("getattr(1, 'real')", "getattr"),
    ("x = ().__class__", ".__class__"),
    ("x = __builtins__", "__builtins__"),
    ("import numpy as np\nnp.save('f', 1)", ".save"),
    ("import numpy as np\nx = np.lib", ".lib"),
    ("from numpy import load", "from numpy import load"),
    ("from . import helper", "relative imports"),
    # The climbs that need no underscore: a generator's frame, NumPy's other modules, builtins as attributes.
    ("def f():\n    yield\nb = f().gi_frame", ".gi_frame"),
    ("b = frame.f_builtins", ".f_builtins"),
    ("import numpy as np\nnp.zeros(3).dump('f')", ".dump"),
    ("import numpy as np\nx = np.ma", ".ma"),
    ("import numpy as np\nx = np.random.mtrand", ".mtrand"),
    ("from numpy import ma", "from numpy import ma"),
    ("x = y.exec", ".exec"),
    ("A = type('A', (), {})", "type"),
])
def test_each_forbidden_construct_is_named_with_its_line(tmp_path, line, words):
    found = problems(tmp_path, "x = 1\n" + line + "\n")
    assert found and words in found[-1]
    assert f"line {line.count(chr(10)) + 2}" in found[-1]


def test_a_match_pattern_cannot_read_what_an_attribute_may_not(tmp_path):
    found = problems(tmp_path, "match f:\n    case object(__globals__=g):\n        pass\n")
    assert found == ["linear.py, line 2: the pattern's attribute __globals__ is not allowed: a submission uses no "
                     "attribute that starts with an underscore."]
    assert problems(tmp_path, "match f:\n    case object(gi_frame=g):\n        pass\n")


def test_a_class_may_define_init_but_no_other_special_method(tmp_path):
    found = problems(tmp_path, "class A:\n    @property\n    def __array_interface__(self):\n        return {}\n")
    assert len(found) == 1 and "line 3: defining __array_interface__ is not allowed" in found[0]
    assert problems(tmp_path, "class A:\n    def __init__(self, x):\n        self.x = x\n") == []


def test_honest_names_that_resemble_refused_ones_pass(tmp_path):
    source = ("import numpy as np\nfrom minigrad import Function\n\nx = np.ones(3)\nzero = x.dtype.type(0)\n"
              "norm = np.linalg.norm(x)\nrng = np.random.default_rng(0)\nnoise = rng.normal(size=3)\n"
              "spectrum = np.fft.rfft(x)\nf_x, gi = 1, 2\n\n\nclass Square(Function):\n    @staticmethod\n"
              "    def forward(ctx, x):\n        ctx.input = x\n        return x * x\n")
    assert problems(tmp_path, source) == []


def test_a_helper_module_is_read_by_the_same_rules(tmp_path):
    found = problems(tmp_path, "import mytools\n", helpers={"mytools.py": "import os\n"})
    assert found == [found[0]] and found[0].startswith("mytools.py, line 1: import os")


def test_a_chain_of_a_thousand_and_more_helper_modules_is_read_without_recursion(tmp_path):
    # Each module imports the next; the last imports os.  Read recursively, the chain stopped the grader itself.
    for i in range(1500):
        (tmp_path / f"m{i}.py").write_text(f"import m{i + 1}\n" if i < 1499 else "import os\n")
    assert problems(tmp_path, "import m0\n") == ["m1499.py, line 1: import os is not allowed in a submission "
                                                  "(allowed: numpy, math, `from minigrad import Function`, and your "
                                                  "own modules beside this file)."]


@pytest.mark.parametrize("make", [os.mkfifo, os.mkdir], ids=["a FIFO", "a folder"])
def test_a_helper_module_that_is_not_a_regular_file_is_refused_unread(tmp_path, make):
    make(tmp_path / "mytools.py")  # reading a FIFO would wait for a writer for ever: the grader would hang
    found = []
    reader = threading.Thread(target=lambda: found.extend(problems(tmp_path, "import mytools\n")), daemon=True)
    reader.start()
    reader.join(timeout=30)  # a daemon thread, so that a regression fails this test instead of hanging the run
    assert not reader.is_alive(), "the rules are still waiting to read mytools.py"
    assert found == ["mytools.py: it is not a regular file; a submission is made of .py files."]


def test_a_file_too_large_or_nested_too_deeply_is_refused_unread(tmp_path):
    big = problems(tmp_path, "# padding\n" * 200_000)
    assert big == ["linear.py: the file holds 2,000,000 bytes, more than a submission's 1,048,576; it was not read."]
    deep = problems(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert len(deep) == 1 and deep[0].startswith("linear.py") and "does not parse" in deep[0]


def test_an_instructor_can_allow_more(tmp_path):
    assert problems(tmp_path, "import time\nt = time.process_time()\n", allow=["time"]) == []


def test_a_file_that_does_not_parse_is_named(tmp_path):
    assert "does not parse" in problems(tmp_path, "def f(:\n")[0]


# ------------------------------------------------------------------------------------------ result files
def test_a_good_result_file_is_read(tmp_path):
    np.savez(tmp_path / "r.npz", out0=np.arange(3.0), out_count=np.array(1), out_types=np.array(["array"]))
    assert sandbox.read_npz(tmp_path / "r.npz")["out0"].tolist() == [0, 1, 2]


def test_an_object_array_is_refused_without_unpickling(tmp_path):
    np.savez(tmp_path / "r.npz", out0=np.array([{"points": 1000}], dtype=object))
    with pytest.raises(ValueError, match="dtype object"):
        sandbox.read_npz(tmp_path / "r.npz")


def test_a_compressed_file_is_refused(tmp_path):
    np.savez_compressed(tmp_path / "r.npz", out0=np.zeros(10))
    with pytest.raises(ValueError, match="compressed"):
        sandbox.read_npz(tmp_path / "r.npz")


def test_a_shape_larger_than_the_file_is_refused_before_allocating(tmp_path):
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,), }".ljust(117) + b"\n"
    with zipfile.ZipFile(tmp_path / "r.npz", "w") as archive:
        archive.writestr("out0.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\0" * 64)
    with pytest.raises(ValueError, match="declares shape"):
        sandbox.read_npz(tmp_path / "r.npz")


def test_a_negative_size_is_refused_unread(tmp_path):
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (-8,), }".ljust(117) + b"\n"
    with zipfile.ZipFile(tmp_path / "r.npz", "w") as archive:
        archive.writestr("out0.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header)
    with pytest.raises(ValueError, match=r"out0 has dtype float64 or shape \(-8,\)"):
        sandbox.read_npz(tmp_path / "r.npz")


def test_an_unexpected_name_and_a_non_zip_are_refused(tmp_path):
    np.savez(tmp_path / "r.npz", **{"../../etc": np.zeros(1)})
    with pytest.raises(ValueError, match="unexpected entry"):
        sandbox.read_npz(tmp_path / "r.npz")
    (tmp_path / "p.npz").write_bytes(b"\x80\x04K\x01.")
    with pytest.raises(ValueError, match="not a valid result file"):
        sandbox.read_npz(tmp_path / "p.npz")


def test_a_result_listing_thousands_of_entries_is_refused_before_they_are_read(tmp_path, monkeypatch):
    # A hostile child's result of a few MB with millions of tiny entries would cost the grader minutes and
    # gigabytes inside zipfile; the directory's size, read from the archive's last bytes, refuses it first.
    with zipfile.ZipFile(tmp_path / "r.npz", "w") as archive:
        for i in range(2000):
            archive.writestr(f"out_entry_number{i:03d}.npy"[-20:], b"")
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: opened.append(self) or None)
    with pytest.raises(ValueError, match="lists more entries than any result has"):
        sandbox.read_npz(tmp_path / "r.npz")
    assert opened == []  # zipfile never read the directory
