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

``ORDER`` is the lecture's: the exercises of lessons 1-7's derivations come
first, then those that practise the library's layers; ``LESSONS`` names the
lesson (``lessons/NN_*.py``) each one follows, which ``list`` shows.

The reference solutions are not here: they live in the repository, in
``tests/exercises/solutions/``, and are never installed.
"""
ORDER = ("logistic_regression", "minibatch_gradient", "perceptron", "softmax_temperature", "backprop_two_layer",
         "sigmoid", "tanh", "relu", "linear", "cross_entropy", "embedding", "conv1d", "maxpool_time", "dropout",
         "batchnorm1d", "sgd_momentum", "adam", "gradient_check", "rnn_cell", "lstm_cell", "bptt", "attention",
         "crf_forward", "crf_viterbi")
LESSONS = {"logistic_regression": 1, "minibatch_gradient": 2, "perceptron": 3, "softmax_temperature": 6,
           "backprop_two_layer": 7, "sigmoid": 5, "tanh": 5, "relu": 5, "linear": 4, "cross_entropy": 6,
           "embedding": 10, "conv1d": 11, "maxpool_time": 11, "dropout": 9, "batchnorm1d": 9, "sgd_momentum": 15,
           "adam": 15, "gradient_check": 7, "rnn_cell": 17, "lstm_cell": 18, "bptt": 17, "attention": 19,
           "crf_forward": 21, "crf_viterbi": 21}
