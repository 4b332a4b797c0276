"""Scoring a classifier: accuracy, precision/recall/F1, the confusion matrix and a printed report.

Labels are class ids 0 .. C-1, given as lists, NumPy arrays or Tensors
(for example ``logits.argmax(1)``).  The definitions and the report's
layout follow scikit-learn's, so results can be checked against it:

- precision of class c: of the examples predicted c, the fraction truly c;
- recall of class c: of the examples truly c, the fraction predicted c;
- F1: their harmonic mean, 2PR / (P + R);
- a ratio with nothing to divide by (no example predicted c, say) counts as 0.

For a tagger, every word is an example: pass the (N, L) tags and
predictions of padded batches with ``ignore_index=-100`` (the label
padding), and the padded positions are left out of every count.
"""
import numpy

from .tensor import Tensor


def _labels(y, name):
    if isinstance(y, Tensor):
        y = y.detach().numpy()
    y = numpy.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence of class ids, got shape {y.shape}"
                         + ("; for scores per class take .argmax(1) first" if y.ndim == 2 else ""))
    if y.size and y.dtype.kind not in "iub":
        raise TypeError(f"{name}: class ids must be integers, got {y.dtype} values; "
                        "for scores or probabilities take .argmax(1) first")
    if y.size and y.min() < 0:
        raise ValueError(f"{name}: class ids must be 0 or more, found {y.min()}")
    return y.astype(numpy.int64)


def _host(y):
    return numpy.asarray(y.detach().numpy() if isinstance(y, Tensor) else y)


def _drop_ignored(y_true, y_pred, ignore_index):
    """Flatten (N, L) tags and predictions, keeping only the positions whose true label is not ``ignore_index``."""
    y_true, y_pred = _host(y_true), _host(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}; with ignore_index they "
                         "must match position by position")
    keep = y_true != ignore_index
    return y_true[keep], y_pred[keep]


def _pair(y_true, y_pred, num_classes=None, ignore_index=None):
    if ignore_index is not None:
        y_true, y_pred = _drop_ignored(y_true, y_pred, ignore_index)
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    seen = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if num_classes is None:
        num_classes = seen
    elif seen > num_classes:
        raise ValueError(f"found class id {seen - 1}, but num_classes={num_classes} (ids 0 to {num_classes - 1})")
    return y_true, y_pred, num_classes


def _divide(a, b):
    """a / b elementwise, with 0 where b is 0 (scikit-learn's zero_division=0)."""
    a, b = numpy.asarray(a, dtype=numpy.float64), numpy.asarray(b, dtype=numpy.float64)
    return numpy.divide(a, b, out=numpy.zeros_like(a), where=b != 0)


def accuracy(y_true, y_pred, ignore_index=None):
    """The fraction of predictions that are right (of the positions not labelled ``ignore_index``, if given)."""
    y_true, y_pred, _ = _pair(y_true, y_pred, ignore_index=ignore_index)
    if len(y_true) == 0:
        raise ValueError("accuracy: no labels given")
    return float((y_true == y_pred).mean())


def confusion_matrix(y_true, y_pred, num_classes=None, ignore_index=None):
    """A (C, C) int64 array: entry [i, j] counts examples of true class i predicted as j."""
    y_true, y_pred, num_classes = _pair(y_true, y_pred, num_classes, ignore_index)
    matrix = numpy.zeros((num_classes, num_classes), dtype=numpy.int64)
    numpy.add.at(matrix, (y_true, y_pred), 1)  # add.at counts repeated (i, j) pairs
    return matrix


def precision_recall_f1(y_true, y_pred, num_classes=None, ignore_index=None):
    """Per-class precision, recall, F1 and support, with their macro and weighted averages.

    Returns a dict: ``precision``, ``recall``, ``f1`` and ``support`` are
    arrays with one entry per class (support = how many examples truly
    belong to it); ``macro`` averages each class equally and ``weighted``
    weights each class by its support, each a dict with ``precision``,
    ``recall`` and ``f1``.
    """
    matrix = confusion_matrix(y_true, y_pred, num_classes, ignore_index)
    true_pos = numpy.diag(matrix)
    support = matrix.sum(axis=1)  # row sums: how many are truly class c
    predicted = matrix.sum(axis=0)  # column sums: how many were predicted c
    precision, recall = _divide(true_pos, predicted), _divide(true_pos, support)
    f1 = _divide(2 * precision * recall, precision + recall)
    result = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    weights = _divide(support, support.sum()) if support.sum() else numpy.zeros(len(support))
    result["macro"] = {k: float(result[k].mean()) if len(support) else 0.0 for k in ("precision", "recall", "f1")}
    result["weighted"] = {k: float((result[k] * weights).sum()) for k in ("precision", "recall", "f1")}
    return result


def classification_report(y_true, y_pred, target_names=None, digits=2, num_classes=None, ignore_index=None):
    """A text table of precision, recall, F1 and support per class, laid out like scikit-learn's.

    ``target_names`` names the classes in id order (default: "0", "1", ...).
    """
    if ignore_index is not None:
        y_true, y_pred = _drop_ignored(y_true, y_pred, ignore_index)
    if target_names is not None:
        num_classes = len(target_names)
    scores = precision_recall_f1(y_true, y_pred, num_classes)
    names = list(target_names) if target_names is not None else [str(i) for i in range(len(scores["support"]))]
    total = int(scores["support"].sum())

    width = max(max((len(n) for n in names), default=0), len("weighted avg"), digits)
    header = f"{'':>{width}} " + "".join(f" {h:>9}" for h in ("precision", "recall", "f1-score", "support"))

    def row(name, p, r, f, s):
        return f"{name:>{width}} " + "".join(f" {v:>9.{digits}f}" for v in (p, r, f)) + f" {s:>9}"

    lines = [header, ""]
    for i, name in enumerate(names):
        lines.append(row(name, scores["precision"][i], scores["recall"][i], scores["f1"][i],
                         int(scores["support"][i])))
    acc = float(numpy.diag(confusion_matrix(y_true, y_pred, len(names))).sum() / total) if total else 0.0
    lines.append("")
    lines.append(f"{'accuracy':>{width}} " + " " * 20 + f" {acc:>9.{digits}f} {total:>9}")
    for average in ("macro", "weighted"):
        s = scores[average]
        lines.append(row(f"{average} avg", s["precision"], s["recall"], s["f1"], total))
    return "\n".join(lines) + "\n"


def most_confused(matrix, names=None, k=5):
    """The ``k`` largest off-diagonal entries of a confusion matrix: [(true, predicted, count), ...], largest first.

    ``names`` labels the classes (default: their ids).  For a tagger these
    are the pairs of tags it mixes up most, e.g. ("PROPN", "NOUN", 312).
    """
    matrix = numpy.asarray(matrix)
    off = matrix * (1 - numpy.eye(len(matrix), dtype=matrix.dtype))  # the diagonal is right, not confused
    order = numpy.argsort(-off, axis=None, kind="stable")[:k]
    label = (lambda i: names[i]) if names is not None else int
    return [(label(i), label(j), int(off[i, j])) for i, j in zip(*numpy.unravel_index(order, off.shape))
            if off[i, j] > 0]
