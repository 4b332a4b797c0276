"""metrics: accuracy, precision/recall/F1, confusion matrix and the report, on hand-computed cases."""
import warnings

import numpy as np
import pytest

import minigrad
from minigrad.metrics import accuracy, classification_report, confusion_matrix, most_confused, precision_recall_f1

# The example of scikit-learn's classification_report documentation.
Y_TRUE = [0, 1, 2, 2, 2]
Y_PRED = [0, 0, 2, 2, 1]


def test_accuracy_accepts_lists_arrays_and_tensors():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(3 / 5)
    assert accuracy(np.array(Y_TRUE), minigrad.tensor(Y_PRED)) == pytest.approx(3 / 5)
    logits = minigrad.tensor([[2.0, 1.0], [0.0, 3.0]], requires_grad=True)
    assert accuracy(minigrad.tensor([0, 0]), logits.argmax(1)) == 0.5


def test_confusion_matrix_rows_are_true_classes():
    expected = [[1, 0, 0],
                [1, 0, 0],
                [0, 1, 2]]
    assert confusion_matrix(Y_TRUE, Y_PRED).tolist() == expected
    assert confusion_matrix([0, 1], [1, 1], num_classes=3).tolist() == [[0, 1, 0], [0, 1, 0], [0, 0, 0]]


def test_precision_recall_f1_by_hand():
    s = precision_recall_f1(Y_TRUE, Y_PRED)
    # class 0: predicted twice, right once; class 1: never right; class 2: 2 of 2 predictions, 2 of 3 found
    assert np.allclose(s["precision"], [1 / 2, 0, 1])
    assert np.allclose(s["recall"], [1, 0, 2 / 3])
    assert np.allclose(s["f1"], [2 / 3, 0, 0.8])
    assert s["support"].tolist() == [1, 1, 3]
    assert s["macro"] == pytest.approx({"precision": 0.5, "recall": (1 + 2 / 3) / 3, "f1": (2 / 3 + 0.8) / 3})
    assert s["weighted"] == pytest.approx({"precision": 3.5 / 5, "recall": 3 / 5, "f1": (2 / 3 + 2.4) / 5})


def test_zero_division_gives_zero_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = precision_recall_f1([0, 0, 1], [0, 0, 0], num_classes=3)
    # class 1 is never predicted, class 2 never occurs: their ratios are 0, not nan
    assert s["precision"].tolist() == [2 / 3, 0, 0] and s["recall"].tolist() == [1, 0, 0]
    assert s["f1"][1:].tolist() == [0, 0]


def test_report_matches_scikit_learn_layout():
    expected = (
        "              precision    recall  f1-score   support\n"
        "\n"
        "     class 0       0.50      1.00      0.67         1\n"
        "     class 1       0.00      0.00      0.00         1\n"
        "     class 2       1.00      0.67      0.80         3\n"
        "\n"
        "    accuracy                           0.60         5\n"
        "   macro avg       0.50      0.56      0.49         5\n"
        "weighted avg       0.70      0.60      0.61         5\n"
    )
    assert classification_report(Y_TRUE, Y_PRED, target_names=["class 0", "class 1", "class 2"]) == expected


def test_report_digits_and_wide_names():
    report = classification_report([0, 1, 1], [0, 1, 0], target_names=["negative", "a very positive class"],
                                   digits=3)
    lines = report.splitlines()
    assert lines[0] == " " * 21 + "  precision    recall  f1-score   support"
    # names are right-aligned to the longest (21 characters), then two spaces and 9-wide columns
    assert lines[2] == " " * 13 + "negative" + "      0.500     1.000     0.667         1"
    assert lines[5] == " " * 13 + "accuracy" + " " * 22 + "    0.667         3"
    assert classification_report([0, 1], [0, 1]).splitlines()[2].strip().startswith("0 ")


def test_errors_are_clear():
    with pytest.raises(ValueError, match="2 labels but y_pred has 1"):
        accuracy([0, 1], [0])
    with pytest.raises(TypeError, match=r"argmax\(1\)"):
        accuracy([0, 1], [0.2, 0.9])
    with pytest.raises(ValueError, match="num_classes=2"):
        confusion_matrix([0, 2], [0, 1], num_classes=2)
    with pytest.raises(ValueError, match="1-D"):
        accuracy([[0, 1]], [[0, 1]])


# ------------------------------------------------- token level: a tag per word
TAGS = [[0, 1, 2, -100], [2, 2, -100, -100]]  # two padded sentences of 3 and 2 words
PREDICTED = [[0, 0, 2, 1], [2, 1, 0, 0]]  # whatever the model said on the padding does not count


def test_ignore_index_leaves_padding_out_of_every_count():
    words_true, words_pred = [0, 1, 2, 2, 2], [0, 0, 2, 2, 1]  # the same five words, unpadded
    assert accuracy(TAGS, PREDICTED, ignore_index=-100) == pytest.approx(3 / 5)
    assert confusion_matrix(TAGS, minigrad.tensor(PREDICTED), ignore_index=-100).tolist() == \
        confusion_matrix(words_true, words_pred).tolist()
    assert precision_recall_f1(np.array(TAGS), PREDICTED, ignore_index=-100)["f1"].tolist() == \
        precision_recall_f1(words_true, words_pred)["f1"].tolist()
    assert classification_report(TAGS, PREDICTED, ["DET", "NOUN", "VERB"], ignore_index=-100) == \
        classification_report(words_true, words_pred, ["DET", "NOUN", "VERB"])


def test_ignore_index_needs_matching_shapes():
    with pytest.raises(ValueError, match=r"y_true has shape \(2, 4\) but y_pred has \(8,\)"):
        accuracy(TAGS, [0] * 8, ignore_index=-100)


def test_without_ignore_index_padding_is_an_error():
    with pytest.raises(ValueError, match="1-D sequence"):
        accuracy(TAGS, PREDICTED)


def test_most_confused_lists_the_largest_mistakes_first():
    matrix = [[5, 1, 0],
              [3, 7, 0],
              [0, 2, 9]]
    assert most_confused(matrix, ["NOUN", "PROPN", "VERB"], k=2) == [("PROPN", "NOUN", 3), ("VERB", "PROPN", 2)]
    assert most_confused(matrix, k=10) == [(1, 0, 3), (2, 1, 2), (0, 1, 1)]  # zeros are not mistakes
