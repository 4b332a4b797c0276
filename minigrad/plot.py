"""Pictures of training: loss curves, a confusion matrix, activations, the computational graph, attributions.

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
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import autograd, backend, tracer
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


class _Group:
    """One module call drawn as a single box (``collapse="module"``): its operations and its own parameters."""

    def __init__(self, name, module, output):
        self.name, self.module, self.output = name, module, output


def _collapse(nodes, edges, shapes, model):
    """Merge the operations of each call of a child module of ``model`` (and its parameters) into one box.

    ``Module.__call__`` marks the node its call returned with the sequence
    number at the call's start: the operations numbered in between are the
    call's.  The outermost call below ``model`` wins, so a TextCNN shows
    embedding, convs.0, convs.1, ..., fc, with the model's own operations
    (transpose, max, cat) between them.
    """
    module_names = {id(m): name for name, m in model.named_modules() if name}
    calls = []
    for node in nodes:
        for module, start in getattr(node, "_made_by", ()):
            if id(module) in module_names:
                calls.append((start, node._seq, _Group(module_names[id(module)], module, node)))
    calls.sort(key=lambda call: call[0])  # outer calls start first
    rep = {}
    for node in nodes:
        if isinstance(node, Tensor):
            continue
        for start, end, group in calls:
            if start < node._seq <= end:
                rep[id(node)] = group
                break
    groups_by_name = {}
    for _, _, group in calls:
        groups_by_name.setdefault(group.name, []).append(group)
    consumers = {}
    for src, dst in edges:
        consumers.setdefault(id(src), []).append(rep.get(id(dst), dst))
    for name, param in model.named_parameters():
        owner = [g for group_name, gs in groups_by_name.items() if name.startswith(group_name + ".") for g in gs]
        users = consumers.get(id(param), [])
        if len(owner) == 1 and users and all(u is owner[0] for u in users):
            rep[id(param)] = owner[0]
    new_nodes, seen = [], set()
    for node in nodes:
        r = rep.get(id(node), node)
        if id(r) not in seen:
            seen.add(id(r))
            new_nodes.append(r)
    new_edges, seen_edges = [], set()
    for src, dst in edges:
        a, b = rep.get(id(src), src), rep.get(id(dst), dst)
        if a is not b and (id(a), id(b)) not in seen_edges:
            seen_edges.add((id(a), id(b)))
            new_edges.append((a, b))
    for _, _, group in calls:
        shapes[id(group)] = shapes.get(id(group.output), ())
    return new_nodes, new_edges, rep


def _grad_text(array, prefix):
    host = numpy.asarray(backend.to_numpy(array), dtype=numpy.float64)
    text = f"\n{prefix} = {float(numpy.linalg.norm(host)):.3g}"
    if 1 < host.size <= tracer.SMALL:
        text += "\n[" + ", ".join(f"{v:.3g}" for v in host.ravel()) + "]"
    return text


def _label(node, shapes, names, view):
    """The text of one box: name, shape, and after backward its number in backward order and its gradient."""
    shared = view["done"] and view["uses"].get(id(node), 0) > 1
    if isinstance(node, Tensor):
        text = names.get(id(node), "leaf") + f"\n{tuple(node.shape)}"
        if node.grad is not None and view["grads"]:
            text += _grad_text(node.grad._data, "|grad|")
    else:
        out = node.output if isinstance(node, _Group) else node
        title = f"{node.name} ({type(node.module).__name__})" if isinstance(node, _Group) else node.name()
        number = view["order"].get(out)
        text = (f"#{number} " if number else "") + f"{title}\n{tuple(shapes.get(id(node), ()))}"
        if view["grads"] and out in view["node_grads"]:
            text += _grad_text(view["node_grads"][out], "|g|")
    if shared:
        text += f"\nsum of {view['uses'][id(node)]} paths"
    return text


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


def _backward_view(tensor, nodes, edges, grads, order, trace):
    """What backward did on this graph: whether it ran, each node's number and gradient, who is shared."""
    leaves = [n for n in nodes if isinstance(n, Tensor)]
    ops = [n for n in nodes if not isinstance(n, Tensor)]
    done = bool(trace) or any(leaf.grad is not None for leaf in leaves) or any(op._freed for op in ops)
    uses = {}
    for src, _ in edges:
        uses[id(src)] = uses.get(id(src), 0) + 1
    numbers, node_grads = {}, {}
    if trace:
        numbers = {step.node: step.number for step in trace}
        node_grads = {step.node: step.grad_output for step in trace}
    elif done and tensor.grad_fn is not None:
        numbers = {node: i + 1 for i, node in enumerate(reversed(autograd._topological_order(tensor.grad_fn)))}
    return dict(done=done, uses=uses, order=numbers if order and done else {}, node_grads=node_grads,
                grads=grads)


def plot_graph(tensor, path=None, names=None, max_nodes=150, grads=True, order=True, collapse=None, model=None,
               trace=None):
    """Draw the graph of operations that computed ``tensor``: leaves at the top, ``tensor`` at the bottom.

    Each operation is a grey box with its node name (``MulBackward``) and the
    shape it produced; each leaf that requires grad is a blue box with its
    shape.  ``names`` maps a name to a tensor, e.g.
    ``dict(model.named_parameters())``, to label the leaves.  Arrows follow
    the forward pass; gradients flow against them.

    After ``backward()`` (``grads=True``), each leaf shows its gradient's norm
    (and its values when it has at most six), each operation its number in
    backward order (``order=True``), and a node used by several operations -
    whose gradient is the *sum* over those paths - has an orange border and
    says how many paths.  An operation's own gradient dL/d(output) is not
    kept by backward; record it with the tracer and pass the record::

        with minigrad.autograd.trace() as t:
            loss.backward()
        plot_graph(loss, "graph.png", names=dict(model.named_parameters()), trace=t)

    Drawn before ``backward()``, the figure says so instead of showing zeros.
    ``collapse="module"`` (with ``model=``) draws each call of a sub-module of
    ``model`` as one box with its parameters inside, so a TextCNN's graph
    stays readable.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"plot_graph: expected a Tensor, got {type(tensor).__name__}")
    if collapse not in (None, "module"):
        raise ValueError(f"plot_graph: collapse must be None or 'module', got {collapse!r}")
    if collapse and model is None:
        raise ValueError("plot_graph: collapse='module' needs the model whose sub-modules to collapse: "
                         "plot_graph(loss, collapse='module', model=model)")
    names = {id(t): name for name, t in (names or {}).items()}
    if tensor.grad_fn is None:
        nodes, edges, shapes = [tensor], [], {}
    else:
        nodes, edges, shapes = _graph(tensor)
    view = _backward_view(tensor, nodes, edges, grads, order, trace)
    root_node = tensor.grad_fn if tensor.grad_fn is not None else tensor
    if collapse:
        nodes, edges, rep = _collapse(nodes, edges, shapes, model)
        root_node = rep.get(id(root_node), root_node)
        view["uses"] = {}
        for src, _ in edges:
            view["uses"][id(src)] = view["uses"].get(id(src), 0) + 1
    if len(nodes) > max_nodes:
        raise ValueError(f"plot_graph: the graph has {len(nodes)} nodes, too many to read in one picture; "
                         f"plot a smaller part (e.g. one layer's output), collapse='module', or raise max_nodes")
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
            color = "#fff3bf" if isinstance(node, _Group) else "#e9ecef"
        shared = view["uses"].get(id(node), 0) > 1
        ax.text(*position[id(node)], _label(node, shapes, names, view), ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round,pad=0.4", facecolor=color, edgecolor="#f08c00" if shared else "gray",
                          linewidth=2 if shared else 1))
    if grads and not view["done"] and tensor.requires_grad:
        fig.suptitle("drawn before backward(): no gradients yet (call loss.backward(), then draw)", fontsize=9)
    elif grads and view["done"] and not trace and tensor.grad_fn is not None:
        fig.suptitle("gradients of leaves; an operation's own gradient needs trace= (minigrad.autograd.trace)",
                     fontsize=8)
    return _finish(fig, path)


# ------------------------------------------------------------- attribution
def plot_attribution(tokens, scores, path=None, title=None, per_line=10):
    """The sentence with each word coloured by its attribution: blue pushed towards the class, red against.

    ``scores`` is one number per token, or an ``explain.Attribution`` (its
    ``scores``, and its method in the title).  The colour scale is symmetric
    around zero, so white means "no effect" in every sentence.
    """
    method = getattr(scores, "method", None)
    values = numpy.asarray(getattr(scores, "scores", scores), dtype=numpy.float64)
    tokens = [str(t) for t in tokens]
    if values.ndim != 1 or len(values) < len(tokens) or not tokens:
        raise ValueError(f"plot_attribution: {len(tokens)} tokens need as many scores, got shape {values.shape}")
    values = values[:len(tokens)]  # a padded sentence: the padding's scores are not drawn
    biggest = float(numpy.abs(values).max()) or 1.0
    norm = Normalize(-biggest, biggest)
    cmap = colormaps["RdBu"]
    rows = -(-len(tokens) // per_line)
    fig = _figure(min(per_line, len(tokens)) * 1.1 + 1.5, 0.6 * rows + 1.2)
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(-0.5, min(per_line, len(tokens)) - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    for i, (token, value) in enumerate(zip(tokens, values)):
        face = cmap(norm(value))
        dark = abs(value) / biggest > 0.6
        ax.text(i % per_line, i // per_line, token, ha="center", va="center", fontsize=11,
                color="white" if dark else "black",
                bbox=dict(boxstyle="round,pad=0.3", facecolor=face, edgecolor="none"))
    fig.colorbar(ScalarMappable(norm, cmap), ax=ax, orientation="horizontal", fraction=0.08, pad=0.02,
                 label="attribution (towards the class: blue, against: red)")
    ax.set_title(title or (method.replace("_", " ") if method else "attribution"))
    return _finish(fig, path)


__all__ = ["plot_activations", "plot_attribution", "plot_confusion_matrix", "plot_graph", "plot_history"]
