"""The bank: one module per exercise, in the order of a course.

Each module holds the exercise's public definition and everything the
grader needs, nothing it must hide (see ``minigrad/exercises/README.md``,
"Adding an exercise"):

- ``NAME``, ``TITLE``, ``TOPIC``, ``DIFFICULTY``;
- ``TASK``, ``DERIVATION`` and ``GRADED``: the student file's docstring,
  whose middle part depends on the level: ``DERIVATION["derive"]`` says
  what to derive and gives no backward formula, ``DERIVATION["guided"]``
  gives the formulas; ``TASK`` states the forward's definition, the shapes
  and dtypes, ``GRADED`` what is graded and where the library's version is;
- ``SKELETON``: the code under the docstring, every part to write a
  ``raise NotImplementedError`` stub;
- ``HINTS``: the graded hints ``check --hint`` reveals one at a time;
- ``CHECKS``: the graded checks (``kit.py``), which compare the student's
  results with the module's own NumPy definition and with the grader's
  finite differences of it.

The reference solutions are not here: they live in the repository, in
``tests/exercises/solutions/``, and are never installed.
"""
ORDER = ("sigmoid", "tanh", "relu", "linear", "cross_entropy", "embedding", "conv1d", "maxpool_time", "dropout",
         "batchnorm1d", "sgd_momentum", "adam", "gradient_check", "rnn_cell", "lstm_cell", "bptt", "attention", "crf_forward", "crf_viterbi")
