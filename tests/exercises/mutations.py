"""Planted bugs: textual edits of the reference solutions, each a mistake students really make.

Each entry: (bug, exercise, [(old, new), ...], words the hint must contain).
The edits apply to the instructor's version of the solution file.
"""

BUGS = [
    (
        "missing transpose",
        "linear",
        [("grad_weight = grad_output.T @ x", "grad_weight = x.T @ grad_output")],
        ["transpose"],
    ),
    (
        "missing transpose (shapes do not fit)",
        "linear",
        [("grad_input = grad_output @ weight", "grad_input = grad_output @ weight.T")],
        ["transpose"],
    ),
    (
        "forgotten sum over a broadcast dimension",
        "linear",
        [("grad_bias = grad_output.sum(axis=0)", "grad_bias = grad_output")],
        ["broadcast", "sum"],
    ),
    (
        "gradient counted twice",
        "tanh",
        [("return grad_output * (1 - y * y)", "return grad_output * (1 - y * y) + grad_output * (1 - y * y)")],
        ["twice"],
    ),
    (
        "sign error",
        "cross_entropy",
        [("grad_output * (p - y) / n", "grad_output * (y - p) / n")],
        ["sign"],
    ),
    (
        "repeated indices overwritten instead of accumulated",
        "embedding",
        [("np.add.at(grad_weight, indices, grad_output)", "grad_weight[indices] += grad_output")],
        ["repeated", "np.add.at"],
    ),
    (
        "ties in max-pooling send gradient to every maximum",
        "maxpool_time",
        [
            (
                """        grad_x = np.zeros(x.shape, dtype=grad_output.dtype)
        np.put_along_axis(grad_x, winner[..., None], grad_output[..., None], axis=-1)
        return grad_x""",
                """        is_max = x == x.max(axis=-1, keepdims=True)
        return grad_output[..., None] * is_max""",
            )
        ],
        ["ties", "one maximum"],
    ),
    (
        "dropout not rescaled",
        "dropout",
        [("mask = keep.astype(x.dtype) / (1 - p)", "mask = keep.astype(x.dtype)")],
        ["not rescaled", "1 - p"],
    ),
]

# Further mistakes the hints should recognise (not named in the issue).
EXTRA_BUGS = [
    (
        "one-sided difference",
        "gradient_check",
        [("x[index] = original - eps", "x[index] = original"), ("(plus - minus) / (2 * eps)", "(plus - minus) / eps")],
        ["one-sided"],
    ),
    (
        "lr inside the velocity",
        "sgd_momentum",
        [("velocity = momentum * velocity + g\n    param = param - lr * velocity",
          "velocity = momentum * velocity + lr * g\n    param = param - velocity")],
        ["lr inside the velocity"],
    ),
    (
        "no bias correction",
        "adam",
        [("m_hat = m / (1 - beta1**t)", "m_hat = m"), ("v_hat = v / (1 - beta2**t)", "v_hat = v")],
        ["bias corrections are missing"],
    ),
    (
        "unbiased variance",
        "batchnorm1d",
        [("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)")],
        ["unbiased variance"],
    ),
    (
        "only the direct path in batch norm",
        "batchnorm1d",
        [("grad_x = inv_std / n * (n * d - d.sum(axis=0) - x_hat * (d * x_hat).sum(axis=0))", "grad_x = d * inv_std")],
        ["direct path", "batch mean"],
    ),
    (
        "bias of a convolution summed over one of two broadcast dimensions",
        "conv1d",
        [("grad_bias = grad_output.sum(axis=(0, 2))", "grad_bias = grad_output.sum(axis=0)")],
        ["sum the gradient over every one"],
    ),
]
