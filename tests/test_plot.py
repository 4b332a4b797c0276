"""Plots are written headless, hold what they claim, and the derivatives drawn come from autograd."""
import matplotlib.image
import numpy as np
import pytest

import minigrad
from minigrad import plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png(path):
    """Check ``path`` is a real PNG and return its (height, width)."""
    assert path.read_bytes()[:8] == PNG_MAGIC
    return matplotlib.image.imread(path).shape[:2]


def test_plotting_never_touches_pyplot(tmp_path):
    # Figures are built on the Agg canvas directly, so no global backend or window is involved.
    import sys

    plot.plot_confusion_matrix(np.eye(2), path=tmp_path / "cm.png")
    assert "matplotlib.pyplot" not in sys.modules or sys.modules["matplotlib.pyplot"].get_fignums() == []


def test_history_marks_the_best_epoch(tmp_path):
    history = {"train_loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.8],
               "train_accuracy": [0.5, 0.7, 0.9], "val_accuracy": [0.5, 0.65, 0.6], "best_epoch": 2}
    fig = plot.plot_history(history, tmp_path / "h.png")
    height, width = _png(tmp_path / "h.png")
    assert width > height > 200
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in acc_ax.lines] == ["train", "val", "best (epoch 2)"]
    assert list(acc_ax.lines[2].get_xdata()) == [2, 2]  # the vertical line sits at epoch 2
    assert list(loss_ax.lines[1].get_ydata()) == [1.1, 0.7, 0.8]


def test_history_without_validation_or_epochs(tmp_path):
    fig = plot.plot_history({"train_loss": [0.9, 0.5], "train_accuracy": [0.6, 0.8]}, tmp_path / "h.png")
    assert [line.get_label() for line in fig.axes[0].lines] == ["train"]
    with pytest.raises(ValueError, match="no epochs"):
        plot.plot_history({"train_loss": []})


def test_confusion_matrix_shows_every_count(tmp_path):
    cm = np.array([[50, 3, 0], [7, 40, 1], [2, 2, 1234]])
    fig = plot.plot_confusion_matrix(cm, ["neg", "neu", "pos"], tmp_path / "cm.png")
    assert min(_png(tmp_path / "cm.png")) > 150
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"50", "3", "0", "7", "40", "1", "2", "1,234"} <= texts
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["neg", "neu", "pos"]
    with pytest.raises(ValueError, match="square"):
        plot.plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="labels"):
        plot.plot_confusion_matrix(np.zeros((2, 2)), ["a"])


def test_activations_draw_the_autograd_derivatives(tmp_path):
    fig = plot.plot_activations(tmp_path / "act.png")
    assert _png(tmp_path / "act.png")[1] > 600
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["sigmoid", "tanh", "relu", "leaky_relu (0.1)", "gelu", "elu"]
    sig, tanh, relu, leaky = fig.axes[:4]
    x = sig.lines[0].get_xdata()
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(sig.lines[1].get_ydata(), s * (1 - s), atol=1e-12)
    np.testing.assert_allclose(tanh.lines[1].get_ydata(), 1 - np.tanh(x) ** 2, atol=1e-12)
    np.testing.assert_array_equal(relu.lines[1].get_ydata(), (x > 0).astype(float))
    np.testing.assert_allclose(leaky.lines[1].get_ydata(), np.where(x > 0, 1.0, 0.1))


def _boxes(fig):
    """The node boxes of a graph figure (its arrows are Annotations, a subclass of Text)."""
    return [t for t in fig.axes[0].texts if type(t).__name__ == "Text"]


def _small_graph():
    """loss = tanh(b + x @ w).sum() * x.mean(): x feeds two operations at different depths."""
    x = minigrad.tensor(np.arange(12.0).reshape(4, 3) / 10, requires_grad=True)
    w = minigrad.tensor(np.ones((3, 2)), requires_grad=True)
    b = minigrad.tensor([0.5, -0.5], requires_grad=True)
    c = minigrad.tensor(2.0)  # does not require grad: not drawn
    loss = (b + x @ w).tanh().sum() * x.mean() * c
    return x, w, b, loss


def test_graph_shows_operations_shapes_and_leaves(tmp_path):
    x, w, b, loss = _small_graph()
    fig = plot.plot_graph(loss, tmp_path / "g.png", names={"x": x, "w": w, "b": b})
    assert min(_png(tmp_path / "g.png")) > 150
    labels = [t.get_text() for t in _boxes(fig)]
    assert sorted(labels) == sorted([
        "x\n(4, 3)", "w\n(3, 2)", "b\n(2,)",  # no gradient yet: no norm shown
        "MatMulBackward\n(4, 2)", "AddBackward\n(4, 2)", "TanhBackward\n(4, 2)", "SumBackward\n()",
        "MeanBackward\n()", "MulBackward\n()", "MulBackward\n()"])
    arrows = [t for t in fig.axes[0].texts if type(t).__name__ == "Annotation"]
    assert len(arrows) == 10  # x->matmul, w->matmul, b->add, matmul->add, add->tanh, tanh->sum,
    #                           sum->mul, x->mean, mean->mul, mul->mul (c is not drawn)


def test_graph_shows_gradient_norms_after_backward(tmp_path):
    x, w, b, loss = _small_graph()
    loss.backward()
    fig = plot.plot_graph(loss, names={"w": w})
    labels = [t.get_text() for t in _boxes(fig)]
    norm = np.linalg.norm(w.grad.numpy())
    assert any(label.startswith(f"w\n(3, 2)\n|grad| = {norm:.3g}\n[") for label in labels)  # six values: shown
    assert any(label.startswith("leaf\n(4, 3)\n|grad|") for label in labels)  # x, unnamed


def test_graph_layers_leaves_above_the_output():
    x, w, b, loss = _small_graph()
    fig = plot.plot_graph(loss, names={"x": x, "w": w, "b": b})
    y = {}
    for t in _boxes(fig):
        y.setdefault(t.get_text().split("\n")[0], []).append(t.get_position()[1])
    y = {name: max(values) for name, values in y.items()}  # the two Muls: the upper one
    # Every arrow points down: x sits above MatMul although it also feeds the shallow Mean.
    assert y["x"] == y["w"] > y["MatMulBackward"] > y["AddBackward"] > y["TanhBackward"] > y["SumBackward"]
    assert y["x"] > y["MeanBackward"] and y["b"] > y["AddBackward"]
    assert min(t.get_position()[1] for t in _boxes(fig)) == 0  # the output is the lowest box


def test_graph_of_a_leaf_and_of_a_huge_graph():
    leaf = minigrad.ones(2, 2, requires_grad=True)
    fig = plot.plot_graph(leaf)
    assert [t.get_text() for t in _boxes(fig)] == ["leaf\n(2, 2)"]
    y = leaf
    for _ in range(20):
        y = y * 1.0
    with pytest.raises(ValueError, match="too many"):
        plot.plot_graph(y, max_nodes=10)
    with pytest.raises(TypeError, match="Tensor"):
        plot.plot_graph(np.ones(3))


# ---------------------------------------------- the graph with its gradients
def _shared_graph():
    """h = x * w is used three times: loss = sum(h * h + h)."""
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    w = minigrad.tensor([3.0, -1.0], requires_grad=True)
    h = x * w
    return x, w, (h * h + h).sum()


def test_graph_drawn_before_backward_says_so_instead_of_showing_zeros():
    x, w, loss = _shared_graph()
    fig = plot.plot_graph(loss, names={"x": x, "w": w})
    assert "before backward()" in fig._suptitle.get_text()
    assert not any("|g" in t.get_text() or "#" in t.get_text() for t in _boxes(fig))


def test_graph_after_a_traced_backward_numbers_nodes_in_backward_order_with_their_gradients(tmp_path):
    x, w, loss = _shared_graph()
    with minigrad.autograd.trace() as trace:
        loss.backward()
    fig = plot.plot_graph(loss, tmp_path / "g.png", names={"x": x, "w": w}, trace=trace)
    assert min(_png(tmp_path / "g.png")) > 100
    boxes = {t.get_text().split("\n")[0]: t for t in _boxes(fig)}
    assert sorted(boxes) == ["#1 SumBackward", "#2 AddBackward", "#3 MulBackward", "#4 MulBackward", "w", "x"]
    # h: dL/dh = h + h + 1 = [7, -3], the sum of three paths (both factors of h * h, and the + h)
    shared = boxes["#4 MulBackward"]
    assert shared.get_text() == "#4 MulBackward\n(2,)\n|g| = 7.62\n[7, -3]\nsum of 3 paths"
    assert shared.get_bbox_patch().get_edgecolor()[:3] != boxes["#1 SumBackward"].get_bbox_patch().get_edgecolor()[:3]
    assert boxes["x"].get_text() == "x\n(2,)\n|grad| = 21.2\n[21, 3]"  # dL/dx = (2h + 1) * w
    assert fig._suptitle is None


def test_graph_collapsed_by_module_draws_one_box_per_layer_call():
    from minigrad.models import TextCNN

    minigrad.manual_seed(0)
    model = TextCNN(20, 2, embed_dim=4, num_filters=3, kernel_sizes=(2, 3))
    loss = model(minigrad.tensor([[2, 3, 4, 5]])).sum()
    full = plot.plot_graph(loss, model=model)
    collapsed = plot.plot_graph(loss, collapse="module", model=model)
    labels = [t.get_text().split("\n")[0] for t in _boxes(collapsed)]
    for name in ["embedding (Embedding)", "convs.0 (Conv1d)", "convs.1 (Conv1d)", "dropout (Dropout)", "fc (Linear)"]:
        assert name in labels
    assert not any(label in ("convs.0.weight", "fc.bias") for label in labels)  # parameters sit inside their box
    assert len(_boxes(collapsed)) < len(_boxes(full)) - 5
    with pytest.raises(ValueError, match="needs the model"):
        plot.plot_graph(loss, collapse="module")


# ------------------------------------------------------------ attributions
def test_attribution_colours_each_word_on_a_symmetric_diverging_scale(tmp_path):
    fig = plot.plot_attribution(["not", "good", "at", "all"], [-2.0, 1.0, 0.0, 0.5], tmp_path / "a.png")
    assert min(_png(tmp_path / "a.png")) > 50
    words = {t.get_text(): t.get_bbox_patch().get_facecolor() for t in fig.axes[0].texts}
    assert list(words) == ["not", "good", "at", "all"]
    red, blue = words["not"], words["good"]
    assert red[0] > red[2] and blue[2] > blue[0]  # against: red; towards: blue
    assert min(words["at"][:3]) > 0.9  # zero is (nearly) white
    with pytest.raises(ValueError, match="3 tokens need as many scores"):
        plot.plot_attribution(["a", "b", "c"], [1.0])
