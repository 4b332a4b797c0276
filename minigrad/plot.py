"""Pictures of training: loss curves, a confusion matrix, activation functions, the computational graph.

Every function builds a matplotlib ``Figure`` and returns it; give ``path``
to also write it to a file (PNG, SVG or PDF, from the extension)::

    plot_history(history, "runs/demo/history.png")
    fig = plot_graph(loss)        # in a notebook, the returned figure is displayed

The figures are made with ``matplotlib.figure.Figure`` and its Agg canvas,
never through ``pyplot``: nothing here opens a window, calls ``plt.show()``
or changes the global backend, so the same code runs on a headless server,
in CI and in Jupyter.
"""
import os

import numpy
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import autograd
from .tensor import Tensor


def _figure(width, height):
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # attaches a canvas, so savefig works without pyplot
    return fig


def _finish(fig, path):
    if path is not None:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fig.savefig(path, bbox_inches="tight")
    return fig


# ------------------------------------------------------------------ history
def plot_history(history, path=None):
    """Loss (left) and accuracy (right) per epoch, training and validation, best epoch marked.

    ``history`` is what ``minigrad.train.fit`` returns, or any dict with the
    same lists (``train_loss``, ``train_accuracy``, optional ``val_loss``,
    ``val_accuracy``) and an optional ``best_epoch`` (counted from 1).
    """
    best = getattr(history, "best_epoch", None)
    if best is None and isinstance(history, dict):
        best = history.get("best_epoch")
    if not history.get("train_loss"):
        raise ValueError("plot_history: the history has no epochs yet (train_loss is empty)")
    fig = _figure(10, 4)
    for ax, metric in zip(fig.subplots(1, 2), ("loss", "accuracy")):
        for split, style in (("train", "-o"), ("val", "-s")):
            values = history.get(f"{split}_{metric}") or []
            if values:
                ax.plot(range(1, len(values) + 1), values, style, markersize=3, label=split)
        if best is not None:
            ax.axvline(best, color="gray", linestyle="--", linewidth=1, label=f"best (epoch {best})")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    return _finish(fig, path)


# --------------------------------------------------------- confusion matrix
def plot_confusion_matrix(cm, labels=None, path=None, title="confusion matrix"):
    """A heat map of ``cm`` (C, C): row = true class, column = predicted, each cell with its count."""
    cm = numpy.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"plot_confusion_matrix: expected a square (C, C) matrix, got shape {cm.shape}")
    labels = [str(i) for i in range(len(cm))] if labels is None else [str(name) for name in labels]
    if len(labels) != len(cm):
        raise ValueError(f"plot_confusion_matrix: {len(labels)} labels for a {len(cm)}x{len(cm)} matrix")
    size = 2.5 + 0.6 * len(cm)
    fig = _figure(size + 1, size)
    ax = fig.subplots()
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046)
    # Dark text on light cells, light text on dark ones.
    threshold = cm.max() / 2 if cm.size else 0
    for i in range(len(cm)):
        for j in range(len(cm)):
            ax.text(j, i, f"{cm[i, j]:,}", ha="center", va="center",
                    color="white" if cm[i, j] > threshold else "black")
    ticks = range(len(cm))
    ax.set_xticks(ticks, labels, rotation=45, ha="right")
    ax.set_yticks(ticks, labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    return _finish(fig, path)


# -------------------------------------------------------------- activations
def _activations():
    from .ops import activation as A

    return [("sigmoid", A.sigmoid), ("tanh", A.tanh), ("relu", A.relu),
            ("leaky_relu (0.1)", lambda x: A.leaky_relu(x, 0.1)), ("gelu", A.gelu), ("elu", A.elu)]


def plot_activations(path=None, low=-4.0, high=4.0):
    """Each activation f and its derivative f', the derivative computed by minigrad's autograd.

    f acts elementwise, so y_i depends on x_i alone: the gradient of
    sum(f(x)) with respect to x is exactly f'(x_i) at every point.
    """
    fig = _figure(12, 7)
    axes = fig.subplots(2, 3).ravel()
    for ax, (name, f) in zip(axes, _activations()):
        x = Tensor(numpy.linspace(low, high, 401), requires_grad=True)
        y = f(x)
        y.sum().backward()
        xs = x.detach().numpy()
        ax.plot(xs, y.detach().numpy(), label=f"{name.split()[0]}(x)")
        ax.plot(xs, x.grad.numpy(), "--", label="derivative")
        ax.axhline(0, color="gray", linewidth=0.5)
        ax.axvline(0, color="gray", linewidth=0.5)
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, path)


# -------------------------------------------------------- computational graph
def _graph(root):
    """The nodes behind ``root`` and their edges (input -> consumer), plus each node's output shape.

    Nodes are Function instances (operations) and leaf Tensors (the tensors
    you created, such as parameters).  An input that does not require grad
    is stored as None in ``node.inputs`` and is not drawn.
    """
    shapes = {id(root.grad_fn): root.shape}
    order = autograd._topological_order(root.grad_fn)  # inputs before the operations using them
    nodes, edges = list(order), []
    seen_leaves = set()
    for node in order:
        for inp in node.inputs:
            if inp is None:
                continue
            if inp.grad_fn is not None:
                shapes[id(inp.grad_fn)] = inp.shape
                edges.append((inp.grad_fn, node))
            else:
                if id(inp) not in seen_leaves:
                    seen_leaves.add(id(inp))
                    nodes.append(inp)
                edges.append((inp, node))
    return nodes, edges, shapes


def _label(node, shapes, names):
    if isinstance(node, Tensor):
        text = names.get(id(node), "leaf") + f"\n{tuple(node.shape)}"
        if node.grad is not None:
            norm = float(numpy.linalg.norm(node.grad.numpy().astype(numpy.float64)))
            text += f"\n|grad| = {norm:.3g}"
        return text
    return f"{node.name()}\n{tuple(shapes.get(id(node), ()))}"


def _layers(nodes, edges, root_node):
    """Depth of each node = the longest path from it to the output, so every edge points to a lower depth."""
    consumers = {id(n): [] for n in nodes}
    for src, dst in edges:
        consumers[id(src)].append(dst)
    depth = {id(root_node): 0}
    # Walk from the output back towards the leaves: a node's consumers are placed before it.
    for node in reversed(nodes):
        if consumers[id(node)]:
            depth[id(node)] = 1 + max(depth[id(c)] for c in consumers[id(node)])
        else:
            depth.setdefault(id(node), 0)
    layers = {}
    for node in nodes:
        layers.setdefault(depth[id(node)], []).append(node)
    return [layers[d] for d in sorted(layers)], consumers


def plot_graph(tensor, path=None, names=None, max_nodes=150):
    """Draw the graph of operations that computed ``tensor``: leaves at the top, ``tensor`` at the bottom.

    Each operation is a grey box with its node name (``MulBackward``) and the
    shape it produced; each leaf that requires grad is a blue box with its
    shape and, once ``backward()`` has run, the norm of its gradient.
    ``names`` maps a name to a tensor, e.g. ``dict(model.named_parameters())``,
    to label the leaves.  Arrows follow the forward pass; gradients flow
    against them.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"plot_graph: expected a Tensor, got {type(tensor).__name__}")
    names = {id(t): name for name, t in (names or {}).items()}
    if tensor.grad_fn is None:
        nodes, edges, shapes = [tensor], [], {}
    else:
        nodes, edges, shapes = _graph(tensor)
    if len(nodes) > max_nodes:
        raise ValueError(f"plot_graph: the graph has {len(nodes)} nodes, too many to read in one picture; "
                         f"plot a smaller part (e.g. one layer's output), or raise max_nodes")
    root_node = tensor.grad_fn if tensor.grad_fn is not None else tensor
    # Leaves first in the list so that "reversed" in _layers visits consumers before their inputs.
    nodes = [n for n in nodes if isinstance(n, Tensor)] + [n for n in nodes if not isinstance(n, Tensor)]
    layers, consumers = _layers(nodes, edges, root_node)

    # x position: spread each layer evenly, ordered by where its consumers sit (fewer crossings).
    position = {}
    for depth, layer in enumerate(layers):
        if depth > 0:
            layer.sort(key=lambda n: numpy.mean([position[id(c)][0] for c in consumers[id(n)]]))
        for i, node in enumerate(layer):
            position[id(node)] = ((i + 0.5) / len(layer), depth)

    widest = max(len(layer) for layer in layers)
    fig = _figure(max(4.0, 2.2 * widest), max(2.5, 1.3 * len(layers)))
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(layers) - 0.4)
    for src, dst in edges:
        start, end = position[id(src)], position[id(dst)]
        # An arrow that skips layers is bent, so it does not run straight through the boxes in between.
        bend = 0.3 if start[1] - end[1] > 1 else 0.0
        ax.annotate("", xy=end, xytext=start, arrowprops=dict(
            arrowstyle="->", color="gray", shrinkA=18, shrinkB=18, connectionstyle=f"arc3,rad={bend}"))
    for node in nodes:
        if node is root_node:
            color = "#b7e4c7"
        elif isinstance(node, Tensor):
            color = "#bde0fe"
        else:
            color = "#e9ecef"
        ax.text(*position[id(node)], _label(node, shapes, names), ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round,pad=0.4", facecolor=color, edgecolor="gray"))
    return _finish(fig, path)


__all__ = ["plot_activations", "plot_confusion_matrix", "plot_graph", "plot_history"]
