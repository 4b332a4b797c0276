# %% [markdown]
# # Lesson 8: watching backward, node by node
#
# Lesson 7 derived every gradient of the two-layer network by hand and
# compared the results.  Here we watch the backward pass itself do the work:
#
#     z1 = x W1^T + b1      (N, H)
#     h  = tanh(z1)         (N, H)
#     z2 = h W2^T + b2      (N, C)
#     L  = mean_n -log softmax(z2)_n,y_n
#
# ``minigrad.autograd.trace()`` records each node backward visits: what
# arrives (dL/d(output)), the local derivative (the first line of the
# operation's docstring), and what leaves towards each input.  At every node
# the lesson checks the arrival against its own hand derivation.  Run it with
# ``--step`` to walk the pass one node at a time.
#
# Then hooks (``register_hook``): your own function, called with a gradient
# as backward computes it.  And last, the classic pitfall: a value used twice
# must receive the *sum* of both paths before it passes anything on, which
# is why backward walks the graph in topological order.

# %%
import numpy as np
from _lesson import Lesson

import minigrad
import minigrad.nn.functional as F
from minigrad import autograd, plot

lesson = Lesson("Lesson 8: watching backward", seed=7)

N, D, H, C = 6, 4, 5, 3
x = minigrad.randn(N, D, dtype=minigrad.float64)
y = minigrad.randint(0, C, (N,))
W1 = minigrad.randn(H, D, dtype=minigrad.float64, requires_grad=True)
b1 = minigrad.randn(H, dtype=minigrad.float64, requires_grad=True)
W2 = minigrad.randn(C, H, dtype=minigrad.float64, requires_grad=True)
b2 = minigrad.randn(C, dtype=minigrad.float64, requires_grad=True)
names = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

# %% [markdown]
# ## Step 1: the forward pass records eight operations
# ``W1.T`` is an operation too (a permute): backward must turn its gradient
# back the other way.  Backward may visit a node only once every node that
# uses its output has sent its share: any order with that property (a
# reverse topological order) gives the same gradients.

# %%
lesson.step("Forward pass", "W1.T, matmul, + b1, tanh, W2.T, matmul, + b2, cross-entropy")
z1 = x @ W1.T + b1
h = z1.tanh()
z2 = h @ W2.T + b2
loss = F.cross_entropy(z2, y)
with autograd.trace(names=names) as trace:
    loss.backward()
lesson.show("loss", round(loss.item(), 6))
lesson.check(len(trace) == 8, "backward visited 8 operations, one per operation of the forward pass")
lesson.show("backward's order (by forward position)", [s.forward for s in trace])
step_of = {s.node: s.number for s in trace}
lesson.check(all(step_of[inp.grad_fn] > s.number for s in trace for inp in s.node.inputs
                 if inp is not None and inp.grad_fn is not None),
             "every node is visited after all the nodes that use its output (a reverse topological order)")
lesson.check([s.forward for s in trace] != list(range(8, 0, -1)),
             "which need not be the reverse of the forward order: W2.T (#5) can wait until the end")

# %% [markdown]
# ## Step 2: the hand derivation (lesson 7), for comparison

# %%
lesson.step("By hand", "dz2 = (p - Y)/N;  dh = dz2 W2;  dz1 = dh * (1 - h^2)")
xn, Y = x.numpy(), np.eye(C)[y.numpy()]
W1n, b1n, W2n, b2n = (p.detach().numpy() for p in (W1, b1, W2, b2))
hn = np.tanh(xn @ W1n.T + b1n)
z2n = hn @ W2n.T + b2n
p = np.exp(z2n - z2n.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)
dz2 = (p - Y) / N
dh = dz2 @ W2n
dz1 = dh * (1 - hn**2)
# What arrives at each operation, by its position in the forward pass: the gradient of its output.
by_hand = {8: np.array(1.0), 7: dz2, 6: dz2, 5: hn.T @ dz2, 4: dh, 3: dz1, 2: dz1, 1: xn.T @ dz1}

# %% [markdown]
# ## Step 3: walk backward one node at a time
# At each node: what arrives, the local derivative, what leaves.  A gradient
# that leaves towards ``b1`` or ``b2`` is summed over the batch: the bias was
# broadcast over N rows in the forward pass (``summed from broadcast``).

# %%
while (node := trace.step()) is not None:
    lesson.step(f"backward's node {node.number}: {node.op}, operation #{node.forward} of the forward pass")
    print("\n".join(str(node).splitlines()[1:]))
    lesson.check(np.allclose(node.grad_output, by_hand[node.forward], atol=1e-12),
                 f"what arrives at {node.op} (#{node.forward}) equals the hand derivation")
leaves = dict(trace.leaves)
lesson.check(np.allclose(leaves["b1"], dz1.sum(0)) and np.allclose(leaves["W1"], dz1.T @ xn),
             "the leaves receive dL/db1 = sum_n dz1 and dL/dW1 = dz1^T x")
lesson.check(np.allclose(W2.grad.numpy(), dz2.T @ hn), "and .grad holds the same totals")

# %% [markdown]
# ## Step 4: the graph with its gradients
# Each box carries its number in backward order and the gradient that
# arrived there.

# %%
lesson.step("The graph after backward", "numbers: the order backward visits the nodes")
figure = plot.plot_graph(loss, names=names, trace=trace)
boxes = [t.get_text() for t in figure.axes[0].texts if type(t).__name__ == "Text"]
lesson.save(figure, "08_graph_with_gradients.png")
lesson.check(sum("|g| =" in b for b in boxes) == 8, "each of the 8 operations shows the gradient that arrived there")

# %% [markdown]
# ## Step 5: hooks see gradients as they are computed
# ``h.register_hook(fn)`` calls ``fn(dL/dh)`` during backward.  Returning a
# tensor replaces the gradient from there on: here we halve it, and every
# gradient behind h halves with it, while W2's (in front of h) does not change.

# %%
lesson.step("Hooks", "h.register_hook(fn): fn(dL/dh) during backward; a returned tensor replaces it")
for p_ in (W1, b1, W2, b2):
    p_.grad = None
h = (x @ W1.T + b1).tanh()
seen = []
h.register_hook(lambda g: seen.append(g.numpy().copy()))
handle = h.register_hook(lambda g: g * 0.5)
F.cross_entropy(h @ W2.T + b2, y).backward()
lesson.check(np.allclose(seen[0], dh), "the hook saw dL/dh exactly as derived by hand")
lesson.check(np.allclose(W1.grad.numpy(), 0.5 * dz1.T @ xn), "halving dL/dh halved dL/dW1 behind it")
lesson.check(np.allclose(W2.grad.numpy(), dz2.T @ hn), "and left dL/dW2, in front of h, unchanged")
handle.remove()

# %% [markdown]
# ## Step 6: a value used twice, and why the order matters
# Take a = 3x, b = a * a, L = b + a, at x = 2.  a reaches L by two paths
# (through b, and directly), so dL/da = 2a + 1 = 13 and dL/dx = 3 * 13 = 39.
#
# A tempting recursive walk visits each node once, depth first, passing on
# the gradient it holds *when first reached*.  It reaches a from the first
# factor of a * a, before the second factor and the direct path from L have
# added their shares, passes on that incomplete gradient, and never corrects
# it.  Backward instead waits until every
# consumer of a node has contributed: it visits the nodes in (reverse)
# topological order.

# %%
lesson.step("The pitfall", "dL/da = dL/db * db/da + dL/dL * 1 = 2a + 1: both paths, summed, before a passes it on")


def recursive_visit_once(root):
    """The wrong walk: depth first from the loss, each node passing on what it holds at its first visit."""
    got = {root.grad_fn: np.array(1.0)}
    leaf_grads = {}
    visited = set()

    def visit(node):
        visited.add(node)
        grads = node.backward(node, got[node])
        for inp, g in zip(node.inputs, grads if isinstance(grads, tuple) else (grads,)):
            if inp is None or g is None:
                continue
            if inp.grad_fn is None:
                leaf_grads[id(inp)] = leaf_grads.get(id(inp), 0) + g
            else:
                got[inp.grad_fn] = got.get(inp.grad_fn, 0) + g
                if inp.grad_fn not in visited:
                    visit(inp.grad_fn)

    visit(root.grad_fn)
    return leaf_grads


def small_graph():
    x = minigrad.tensor(2.0, dtype=minigrad.float64, requires_grad=True)
    a = x * 3
    return x, a * a + a


x_, L = small_graph()
wrong = float(recursive_visit_once(L)[id(x_)])
lesson.show("recursive visit-once walk: dL/dx", wrong)
x_, L = small_graph()
with autograd.trace(names={"x": x_}) as small:
    L.backward()
lesson.show("minigrad's backward: dL/dx", x_.grad.item())
print("  " + str(small).replace("\n", "\n  "))
lesson.check(wrong == 3 * 6, "the recursive walk passed on a's first share alone (a = 6, from one factor of "
             "a * a) and got 3 * 6 = 18")
lesson.check(x_.grad.item() == 39.0, "backward in topological order sums both paths: 3 (2a + 1) = 39")
lesson.check(any(s.accumulated for step in small for s in step.sent),
             "the trace marks where the second path's gradient was added to the first's")
lesson.done()
