"""Planted mistakes, each one students make: it fails exactly the checks it breaks, and the hint names the cause.

Each folder holds at most one mistake per exercise, so that one grading of
a folder tests several mistakes at once.  The timed check ("fast") counts
only when what it times is right, so a broken backward (or gradient) also loses it.
"""
import re

import pytest

from minigrad.exercises import grader

from .helpers import COURSE, by_name, failed_keys, plant, text_of

BACKWARD = {"backward", "backward_float32", "fast"}
# (exercise, edits, the checks that fail, words the hint says, words it must not say)
MISTAKES = [
    [
        ("linear", [("grad_weight = grad_output.T @ x", "grad_weight = x.T @ grad_output")], BACKWARD,
         ["transposed"], []),
        ("tanh", [("return grad_output * (1 - y * y)", "return 2 * grad_output * (1 - y * y)")], BACKWARD,
         ["twice"], []),
        ("cross_entropy", [("grad_output * (p - y) / n", "grad_output * (y - p) / n")], BACKWARD, ["sign"], []),
        ("embedding", [("np.add.at(grad_weight, indices, grad_output)", "grad_weight[indices] += grad_output")],
         BACKWARD, ["repeated", "last write"], []),
        ("maxpool_time", [("""        grad_x = np.zeros(x.shape, dtype=grad_output.dtype)
        np.put_along_axis(grad_x, winner[..., None], grad_output[..., None], axis=-1)
        return grad_x""", """        is_max = x == x.max(axis=-1, keepdims=True)
        return grad_output[..., None] * is_max""")], {"ties"}, ["one maximum"], []),
        ("dropout", [("mask = keep.astype(x.dtype) / (1 - p)", "mask = keep.astype(x.dtype)")], {"forward"},
         ["not rescaled"], []),
        ("batchnorm1d", [("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)")],
         {"forward", "forward_float32"} | BACKWARD, ["unbiased variance"], []),
        ("conv1d", [("grad_bias = grad_output.sum(axis=(0, 2))", "grad_bias = grad_output.sum(axis=0)")], BACKWARD,
         ["every one of them"], []),
        ("relu", [("return grad_output * (x > 0)", "grad_output[x <= 0] = 0\n        return grad_output")],
         {"backward", "kink"} | BACKWARD, ["read-only"], []),
        ("sgd_momentum", [("velocity = momentum * velocity + g\n    param = param - lr * velocity",
                           "velocity = momentum * velocity + lr * g\n    param = param - velocity")],
         {"one_step", "five_steps", "weight_decay"}, ["lr inside the velocity"], []),
        ("adam", [("m_hat = m / (1 - beta1**t)", "m_hat = m"), ("v_hat = v / (1 - beta2**t)", "v_hat = v")],
         {"first_step", "several_steps", "decay_and_eps"}, ["bias corrections are missing"], []),
        ("gradient_check", [("x[index] = original - eps", "x[index] = original"),
                            ("(plus - minus) / (2 * eps)", "(plus - minus) / eps")], {"accuracy"}, ["one-sided"], []),
        ("rnn_cell", [("grad_a = grad_output * (1 - h_new * h_new)", "grad_a = grad_output")], BACKWARD,
         ["skipped the tanh"], []),
        ("lstm_cell", [("d_f, d_g = dc_total * g, dc_total * c,", "d_f, d_g = dc_total * g, dc_total * c_new,")],
         BACKWARD, ["forget gate", "c'"], ["output gate's block is right"]),
        ("bptt", [("dh = grad_output[t] + dh", "dh = grad_output[t]")], BACKWARD, ["last step is right", "later"],
         ["skipped the tanh"]),
        ("attention", [("grad_q = grad_scores @ k * ctx.scale", "grad_q = grad_scores @ k"),
                       ("grad_k = grad_scores.swapaxes(-1, -2) @ q * ctx.scale",
                        "grad_k = grad_scores.swapaxes(-1, -2) @ q")], BACKWARD, ["sqrt(E)", "too large"], []),
        ("crf_forward", [("return np.squeeze(top + np.log(np.exp(a - top).sum(axis=axis, keepdims=True)), axis=axis)",
                          "return np.log(np.exp(a).sum(axis=axis))")], {"stable"}, ["overflows", "maximum"], []),
        ("crf_viterbi", [("    for t in range(length - 1, 0, -1):\n        tags[t - 1] = back[t, tags[t]]",
                          "    for t in range(1, length):\n        tags[length - 1 - t] = back[t, tags[length - t]]")],
         {"path", "longer"}, ["score is right", "backwards"], ["transposed"]),
    ],
    [
        ("linear", [("grad_bias = grad_output.sum(axis=0)", "grad_bias = grad_output")], BACKWARD,
         ["broadcast"], []),
        ("cross_entropy", [("grad_output * (p - y) / n", "grad_output * (p - y)")], BACKWARD, ["times", "factor"],
         []),
        ("maxpool_time", [("np.put_along_axis(grad_x, winner[..., None]",
                           "np.put_along_axis(grad_x, x.shape[-1] - 1 - winner[..., None]")],
         {"ties"} | BACKWARD, ["wrong steps"], ["transpose"]),
        ("batchnorm1d", [("grad_x = inv_std / n * (n * d - d.sum(axis=0) - x_hat * (d * x_hat).sum(axis=0))",
                          "grad_x = d * inv_std")], BACKWARD, ["direct path"], []),
        ("conv1d", [("grad_x = np.zeros_like(x)", "grad_x = np.zeros(x.shape)")], {"backward_float32", "fast"},
         ["dtype"], []),
        ("sigmoid", [("return grad_output * y * (1 - y)", "return (grad_output * y * (1 - y)).astype(np.float64)")],
         {"backward_float32", "fast"}, ["dtype"], []),
        ("rnn_cell", [("grad_h = grad_a @ w_hh", "grad_h = grad_a @ w_hh.T")], BACKWARD, ["W_hh", "transposed"],
         ["skipped the tanh"]),
        ("lstm_cell", [("d_g * (1 - g * g)", "d_g * g * (1 - g)")], BACKWARD, ["cell candidate", "tanh"], []),
        ("bptt", [("da = dh * (1 - states[t] * states[t])", "da = dh")], BACKWARD, ["skipped the tanh"],
         ["last step is right"]),
        ("attention", [("grad_scores = weights * (grad_weights - (weights * grad_weights).sum(axis=-1, keepdims=True))",
                        "grad_scores = weights * (1 - weights) * grad_weights")], BACKWARD,
         ["every score of that row"], ["too large"]),
        ("crf_forward", [("return float(logsumexp(alpha + end, axis=0))", "return float(logsumexp(alpha, axis=0))")],
         {"brute_force", "longer", "stable"}, ["end scores are missing"], ["overflows"]),
        ("crf_viterbi", [("candidates = delta[:, None] + transitions", "candidates = delta[:, None] + transitions.T")],
         {"path", "score", "longer"}, ["transposed"], ["score is right"]),
    ],
    [
        ("linear", [("grad_input = grad_output @ weight", "grad_input = (grad_output @ weight).astype(np.float64)")],
         {"backward_float32", "fast"}, ["dtype"], []),
        ("cross_entropy", [("shifted = z - z.max(axis=-1, keepdims=True)", "shifted = z - z.max()")], {"stable"},
         ["each row's own maximum"], []),
        ("batchnorm1d", [("grad_x = inv_std / n * (n * d - d.sum(axis=0) - x_hat * (d * x_hat).sum(axis=0))",
                          "grad_x = inv_std / n * (n * d - d.sum(axis=0))")], BACKWARD, ["batch variance"],
         ["direct path"]),
        ("rnn_cell", [("grad_b, grad_b.copy()", "grad_b, None")], BACKWARD, ["None", "bias_hh"], []),
        ("lstm_cell", [("dc_total = dc + dh * o * (1 - tanh_c * tanh_c)", "dc_total = dc")], BACKWARD,
         ["two paths"], ["forget gate's block"]),
        ("bptt", [("grad_w_hh += da.T @ h_prev", "grad_w_hh = da.T @ h_prev")], BACKWARD,
         ["weight_hh", "shared by every step"], []),
        ("attention", [("scores = np.where(mask, q @ k.swapaxes(-1, -2) * scale, -np.inf)",
                        "scores = q @ k.swapaxes(-1, -2) * scale")], {"forward", "forward_float32"} | BACKWARD,
         ["mask was ignored"], []),
        ("crf_forward", [("alpha[:, None] + transitions", "alpha[:, None] + transitions.T")],
         {"brute_force", "longer", "stable"}, ["transposed", "followed by"], []),
        ("crf_viterbi", [("final = delta + end", "final = delta")], {"path", "score", "longer"},
         ["end scores are missing"], []),
    ],
    [
        ("batchnorm1d", [("return grad_x, grad_gamma, grad_beta, None",
                          "return grad_x.astype(np.float64), grad_gamma, grad_beta, None")],
         {"backward_float32", "fast"}, ["dtype"], []),
        ("relu", [("return grad_output * (x > 0)", "return grad_output * (x >= 0)")], {"kink"}, ["PyTorch"], []),
        ("embedding", [("grad_weight[ctx.padding_idx] = 0", "pass")], BACKWARD, ["padding row"], ["repeated"]),
        ("dropout", [("keep = generator.random(x.shape) >= p", "keep = generator.random(x.shape) < p")],
         {"forward"}, ["probability to drop"], []),
        ("sgd_momentum", [("param = param - lr * velocity", "param = param + lr * velocity")],
         {"one_step", "five_steps", "weight_decay"}, ["sign"], []),
        ("lstm_cell", [("grad_c = dc_total * f", "grad_c = dc_total")], BACKWARD, ["forget gate", "for c"], []),
        ("bptt", [("for t in reversed(range(x.shape[0])):", "for t in range(x.shape[0]):")], BACKWARD,
         ["from the last to the first"], []),
        ("attention", [("scale = q.shape[-1] ** -0.5", "scale = 1 / np.sqrt(q.shape[-1])")],
         {"forward_float32", "backward_float32", "fast"}, ["dtype"], []),
    ],
]
# The lecture's exercises (lessons 1-7): one mistake of each in every folder above.
LECTURE = [
    [
        ("logistic_regression", [("return X.T @ (p - y) / len(y)", "return X.T @ (p - y)")], {"gradient", "descent"},
         ["a mean divides by its count"], []),
        ("minibatch_gradient", [("return len(y) / len(batch) * (X[batch].T @ residual)",
                                 "return X[batch].T @ residual")], {"scaled", "unbiased"}, ["plain sum"], []),
        ("perceptron", [("if y * (w @ x + b) <= 0:", "if True:")], {"update", "separates"},
         ["already classifies correctly"], []),
        ("softmax_temperature", [("return p * (grad_output - inner) / ctx.T, None",
                                  "return p * (grad_output - inner), None")], BACKWARD | {"stable"},
         ["dividing z by T", "missing"], []),
        ("backprop_two_layer", [("grad_z1 = (grad_z2 @ W2) * (1 - h * h)", "grad_z1 = grad_z2 @ W2")],
         {"grad_W1", "grad_b1", "fast"}, ["tanh's derivative is missing"], []),
    ],
    [
        ("logistic_regression", [("w = w - lr * gradient(w, X, y)", "w = w + lr * gradient(w, X, y)")], {"descent"},
         ["the loss went up"], []),
        ("minibatch_gradient", [("residual = X[batch] @ w - y[batch]", "residual = y[batch] - X[batch] @ w")],
         {"full_batch", "scaled", "unbiased"}, ["sign"], []),
        ("perceptron", [("if y * (w @ x + b) <= 0:", "if y * (w @ x + b) < 0:")], {"update", "separates", "xor"},
         ["exactly 0"], []),
        ("softmax_temperature", [("e = np.exp(s - s.max(axis=-1, keepdims=True))", "e = np.exp(s - s.max())")],
         {"stable"}, ["each row's own maximum"], []),
        ("backprop_two_layer", [("grad_z2 = p / n", "grad_z2 = p")], {"grad_W1", "grad_b1", "grad_W2", "grad_b2", "fast"},
         ["a mean divides by its count"], ["tanh"]),
    ],
    [
        ("logistic_regression", [("return float(-np.mean(", "return float(-np.sum(")], {"loss"},
         ["a mean divides by its count"], []),
        ("minibatch_gradient", [("return generator.permutation(N).reshape(N // B, B)",
                                 "return generator.integers(0, N, (N // B, B))")], {"partition"},
         ["without replacement"], []),
        ("perceptron", [("return w + lr * y * x, b + lr * y", "return w - lr * y * x, b - lr * y")],
         {"update", "separates"}, ["sign"], []),
        ("softmax_temperature", [("(grad_output - inner)", "(inner - grad_output)")], BACKWARD | {"stable"},
         ["sign"], []),
        ("backprop_two_layer", [("grad_W1 = grad_z1.T @ x", "grad_W1 = x.T @ grad_z1")], {"grad_W1", "fast"},
         ["transposed"], []),
    ],
    [
        ("logistic_regression", [("return X.T @ (p - y) / len(y)",
                                  "return (X.T @ (p - y) / len(y)).astype(np.float64)")], {"shape"}, ["dtype"], []),
        ("minibatch_gradient", [("len(y) / len(batch) *", "1 / len(batch) *")],
         {"full_batch", "scaled", "unbiased"},
         ["the batch's mean"], []),
        ("perceptron", [("X @ w + b >= 0, 1, -1", "X @ w + b > 0, 1, -1")], {"predict"}, ["exactly 0 is predicted +1"],
         []),
        ("softmax_temperature", [("return p * (grad_output - inner) / ctx.T, None",
                                  "return (p * (grad_output - inner) / ctx.T).astype(np.float64), None")],
         {"backward_float32", "fast"}, ["dtype"], []),
        ("backprop_two_layer", [("p[np.arange(n), y] -= 1", "p[np.arange(n), y] -= 1\n    p = -p")],
         {"grad_W1", "grad_b1", "grad_W2", "grad_b2", "fast"}, ["sign"], []),
    ],
]
MISTAKES = [group + lecture for group, lecture in zip(MISTAKES, LECTURE, strict=True)]
CASES = [(group, mistake) for group, mistakes in enumerate(MISTAKES) for mistake in mistakes]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    results = []
    for mistakes in MISTAKES:
        folder = tmp_path_factory.mktemp("mistakes")
        for name, edits, *_ in mistakes:
            plant(folder, name, edits)
        results.append(by_name(grader.grade_folder(folder, [m[0] for m in mistakes], COURSE)))
    return results


@pytest.mark.parametrize("group, mistake", CASES, ids=[f"{m[0]}-{i}" for i, (_, m) in enumerate(CASES)])
def test_a_mistake_fails_exactly_the_checks_it_breaks(graded, group, mistake):
    name, _, expected, _, _ = mistake
    result = graded[group][name]
    broken = {k for k in failed_keys(result)}
    # the "fast" check is not counted after a wrong backward; it may also fail on its own when the backward is
    # right but slow, which none of these mistakes makes it
    assert broken == expected, text_of(result)


@pytest.mark.parametrize("group, mistake", CASES, ids=[f"{m[0]}-{i}" for i, (_, m) in enumerate(CASES)])
def test_the_hint_names_the_cause_and_no_formula(graded, group, mistake):
    name, _, _, words, wrong_words = mistake
    text = text_of(graded[group][name])
    for word in words:
        assert word in text, text
    for word in wrong_words:
        assert word not in text, text
    assert not re.search(r"dL/d\w+\s*=", text), text  # no formula in a message at any level
    assert not re.search(r"expected:? -?\d", text), text  # and no expected value
