"""Attention (nn/attention.py): PyTorch's numbers and mask semantics, gradchecks, pooling at padding, errors.

Reference numbers marked "PyTorch 2.13" were computed with torch 2.13 (CPU,
float64) on the inputs written next to them; the suite never imports torch
except in the broader comparisons at the end, which are skipped without it.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import gradcheck, nn
from minigrad.errors import ShapeError

F64 = minigrad.float64


def value(t):
    return t.detach().numpy()


def qkv(seed=17):
    rng = np.random.default_rng(seed)
    return [minigrad.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in [(2, 3), (3, 3), (3, 2)]]


# ------------------------------------------------------------ scaled dot-product attention
def test_a_boolean_mask_says_which_keys_take_part_and_a_fully_masked_query_gives_zeros():
    q, k, v = qkv()
    mask = minigrad.tensor([[True, False, True], [False, False, False]])
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    out.sum().backward()
    # PyTorch 2.13: scaled_dot_product_attention(q, k, v, attn_mask=mask) on the same float64 tensors, .sum().backward()
    np.testing.assert_allclose(value(out), [[-0.8232533997, -0.1568737581], [0.0, 0.0]], atol=1e-9)
    np.testing.assert_allclose(q.grad.numpy(), [[0.0478535451, -0.0536878674, -0.0133323683], [0, 0, 0]], atol=1e-9)
    np.testing.assert_allclose(k.grad.numpy(), [[0.0479434353, -0.0471031643, 0.0080228172], [0, 0, 0],
                                                [-0.0479434353, 0.0471031643, -0.0080228172]], atol=1e-9)
    np.testing.assert_allclose(v.grad.numpy(), [[0.6374309213] * 2, [0.0, 0.0], [0.3625690787] * 2], atol=1e-9)


def test_a_float_mask_is_added_to_the_scores_and_is_causal_hides_the_future():
    q, k, v = qkv()
    rng = np.random.default_rng(17)
    [rng.uniform(-1, 1, s) for s in [(2, 3), (3, 3), (3, 2)]]  # the draws of qkv(); the mask is the next one
    additive = minigrad.tensor(rng.uniform(-1, 1, (2, 3)))
    # PyTorch 2.13: scaled_dot_product_attention(q, k, v, attn_mask=additive, scale=0.7)
    np.testing.assert_allclose(value(F.scaled_dot_product_attention(q, k, v, attn_mask=additive, scale=0.7)),
                               [[-0.3780376857, -0.5008087479], [-0.3172646398, -0.5195289935]], atol=1e-9)
    # PyTorch 2.13: scaled_dot_product_attention(q, k, v, is_causal=True)
    np.testing.assert_allclose(value(F.scaled_dot_product_attention(q, k, v, is_causal=True)),
                               [[-0.9264452847, 0.1350796263], [-0.2420093416, -0.5350719467]], atol=1e-9)
    # Query 0 sees key 0 only, so its output is value 0 exactly.
    np.testing.assert_allclose(value(F.scaled_dot_product_attention(q, k, v, is_causal=True))[0], value(v)[0])


@pytest.mark.parametrize("mask", ["none", "bool", "float", "causal"])
def test_attention_passes_gradcheck_with_every_kind_of_mask(rng, mask):
    q, k, v = (minigrad.tensor(rng.uniform(-1, 1, s), requires_grad=True) for s in [(2, 3, 4), (2, 5, 4), (2, 5, 3)])
    bool_mask = minigrad.tensor(rng.random((3, 5)) < 0.6)
    float_mask = minigrad.tensor(rng.uniform(-1, 1, (2, 1, 5)))
    kwargs = {"none": {}, "bool": {"attn_mask": bool_mask}, "float": {"attn_mask": float_mask},
              "causal": {"is_causal": True}}[mask]
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, **kwargs), (q, k, v))


def test_attention_dropout_follows_the_seed():
    q, k, v = qkv()
    minigrad.manual_seed(3)
    first = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    minigrad.manual_seed(3)
    np.testing.assert_array_equal(value(first), value(F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)))


def test_attention_errors_name_the_shapes():
    q, k, v = qkv()
    with pytest.raises(ShapeError, match=r"query \(2, 3\) and key \(3, 2\) must share E"):
        F.scaled_dot_product_attention(q, v, v)
    with pytest.raises(ValueError, match="either attn_mask or is_causal=True, not both"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=minigrad.ones(2, 3).bool(), is_causal=True)


# ------------------------------------------------------------ multi-head attention
def _mha_case():
    rng = np.random.default_rng(18)
    mha = nn.MultiheadAttention(4, 2, batch_first=True, dtype=F64).eval()
    mha.load_state_dict({k: rng.uniform(-0.5, 0.5, v.shape) for k, v in mha.state_dict().items()})
    return mha, minigrad.tensor(rng.uniform(-1, 1, (2, 2, 4)), requires_grad=True)


def test_multihead_attention_matches_pytorch_with_a_key_padding_mask():
    mha, x = _mha_case()
    assert [n for n, _ in mha.named_parameters()] == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                                      "out_proj.bias"]
    out, weights = mha(x, x, x, key_padding_mask=minigrad.tensor([[False, False], [False, True]]))
    out.sum().backward()
    # PyTorch 2.13: nn.MultiheadAttention(4, 2, batch_first=True).double(), same state dict,
    # mha(x, x, x, key_padding_mask=[[False, False], [False, True]]), out.sum().backward()
    np.testing.assert_allclose(value(out), [[[0.1495808523, 0.6717154611, 0.9429383368, -0.4875047346],
                                             [0.1605597084, 0.6855457224, 0.9535274366, -0.5156971819]],
                                            [[0.1036735499, 0.5381412867, 0.8040019184, -0.4651644325]] * 2], atol=1e-9)
    np.testing.assert_allclose(value(weights), [[[0.5094917613, 0.4905082387], [0.5694635044, 0.4305364956]],
                                                [[1.0, 0.0], [1.0, 0.0]]], atol=1e-9)
    np.testing.assert_allclose(x.grad.numpy()[0], [[0.0856432955, -0.3566701531, -0.4619021869, -0.1408267058],
                                                   [-0.0142761379, -0.2814895646, -0.4674513123, -0.2617015688]],
                               atol=1e-9)
    np.testing.assert_allclose(mha.in_proj_bias.grad.numpy()[8:], [-0.6937514861, 1.2207950123, 2.2755019932,
                                                                    2.8436243006], atol=1e-9)


def test_multihead_attention_layouts_agree_and_pass_gradcheck(rng):
    mha, x = _mha_case()
    first, _ = mha(x, x, x)
    seq_first = nn.MultiheadAttention(4, 2, dtype=F64).eval()
    seq_first.load_state_dict(mha.state_dict())
    again, w = seq_first(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), average_attn_weights=False)
    np.testing.assert_allclose(value(again.transpose(0, 1)), value(first), atol=1e-14)
    assert w.shape == (2, 2, 2, 2)
    single, single_w = seq_first(x[0], x[0], x[0])
    np.testing.assert_allclose(value(single), value(first)[0], atol=1e-14)
    assert single_w.shape == (2, 2) and seq_first(x[0], x[0], x[0], need_weights=False)[1] is None
    mask = minigrad.tensor([[False, True], [False, False]])
    assert gradcheck(lambda a: mha(a, a, a, attn_mask=mask)[0], (x,))


def test_multihead_attention_refuses_what_it_does_not_support():
    with pytest.raises(ValueError, match="embed_dim=6 must be divisible by num_heads=4"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(NotImplementedError, match="kdim/vdim"):
        nn.MultiheadAttention(4, 2, kdim=3)
    mha = nn.MultiheadAttention(4, 2, batch_first=True)
    with pytest.raises(ShapeError, match=r"key_padding_mask must have shape \(N, S\) = \(1, 3\)"):
        mha(minigrad.randn(1, 3, 4), minigrad.randn(1, 3, 4), minigrad.randn(1, 3, 4),
            key_padding_mask=minigrad.ones(3).bool())


# ------------------------------------------------------------ attention pooling
def test_attention_pooling_weights_sum_to_one_over_real_steps_and_ignore_the_padding(rng):
    pool = nn.AttentionPooling(3, 5, dtype=F64)
    x = minigrad.tensor(rng.uniform(-1, 1, (2, 4, 3)), requires_grad=True)
    mask = minigrad.tensor([[True, True, True, True], [True, True, False, False]])
    pooled, alpha = pool(x, mask)
    assert pooled.shape == (2, 3) and alpha.shape == (2, 4)
    np.testing.assert_allclose(value(alpha).sum(axis=1), 1.0)
    assert (value(alpha)[1, 2:] == 0).all()
    np.testing.assert_allclose(value(pooled), np.einsum("nt,ntd->nd", value(alpha), value(x)), atol=1e-15)
    alone, _ = pool(x[1:, :2])
    np.testing.assert_allclose(value(pooled)[1], value(alone)[0], atol=1e-15)
    # By hand: u_t = tanh(W h_t + b), scores u_t . u_w, softmax.
    u = np.tanh(value(x)[0] @ value(pool.proj.weight).T + value(pool.proj.bias))
    e = np.exp(u @ value(pool.context))
    np.testing.assert_allclose(value(alpha)[0], e / e.sum(), atol=1e-15)
    assert gradcheck(lambda t: pool(t, mask)[0], (x,))


def test_attention_runs_on_the_device_without_touching_the_host(fake_cuda):
    minigrad.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, batch_first=True).to("cuda")
    pool = nn.AttentionPooling(4).to("cuda")
    x = minigrad.randn(2, 3, 4).to("cuda")
    padding = minigrad.tensor([[False, False, True], [False, False, False]]).to("cuda")
    downloads = fake_cuda.downloads
    out, _ = mha(x, x, x, key_padding_mask=padding, is_causal=True)
    pooled, _ = pool(out, ~padding)
    pooled.sum().backward()
    assert fake_cuda.downloads == downloads
    for n, p in list(mha.named_parameters()) + list(pool.named_parameters()):
        assert isinstance(p.grad._data, fake_cuda.ndarray), n


# ------------------------------------------------------------ broader comparisons (skipped without torch)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("average", [False, True])
def test_multihead_attention_with_both_masks_matches_pytorch(rng, batch_first, average):
    torch = pytest.importorskip("torch")
    theirs = torch.nn.MultiheadAttention(6, 3, batch_first=batch_first).double().eval()
    ours = nn.MultiheadAttention(6, 3, batch_first=batch_first, dtype=F64).eval()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x, y = rng.uniform(-1, 1, (3, 4, 6)), rng.uniform(-1, 1, (3, 5, 6))
    if not batch_first:
        x, y = x.transpose(1, 0, 2).copy(), y.transpose(1, 0, 2).copy()
    padding = rng.random((3, 5)) < 0.3
    padding[:, 0] = False
    attn = rng.random((4, 5)) < 0.3
    attn[:, 1] = False
    results = []
    for lib, make in ((torch, lambda a, g=True: torch.tensor(a, requires_grad=g)),
                      (minigrad, lambda a, g=True: minigrad.tensor(a, requires_grad=g))):
        layer = theirs if lib is torch else ours
        xs, ys = make(x), make(y)
        out, w = layer(xs, ys, ys, key_padding_mask=make(padding, False), attn_mask=make(attn, False),
                       average_attn_weights=average)
        out.sum().backward()
        results.append([t.detach().numpy() for t in (out, w, xs.grad, ys.grad, layer.in_proj_weight.grad)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, atol=1e-12)
