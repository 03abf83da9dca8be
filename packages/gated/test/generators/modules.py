#!/usr/bin/python3
"""PyTorch reference fixtures for the feed-forward modules of `gated`: Linear, LayerNorm, Embedding, Sequential.

Regenerate with:   /usr/bin/python3 test/generators/modules.py            (all cases; removes stale fixtures)
                   /usr/bin/python3 test/generators/modules.py linear_3d  (only the named case(s))
Writes one safetensors file per case into test/fixtures/modules/; read by test/nn/modules.test.ts.

A fixture holds the parameters under their state_dict names, the input `x` (F32) or `indices` (I64), the upstream
gradient `gy`, PyTorch's output `y`, and every gradient of  L = Σ y·gy  as `grad.x` / `grad.<param>`.
`__metadata__.config` (JSON) gives the module spec in gated's constructor terms, the state_dict key order, the tolerance
{atol 1e-5, rtol 1e-4} and `float64Drift` (max |float32 − float64| over all stored results, the float64 run using the
same float32 values). The generator asserts 3·|float32 − float64| ≤ atol + rtol·|float64| for every element, so an
independent float32 implementation has room to round differently from PyTorch and still pass.

Deterministic: torch.manual_seed per case. Parameters are random, never all-ones: Linear and Embedding keep
PyTorch's own (random) initialisation, LayerNorm's γ, β are redrawn from N(1, 0.5²), N(0, 0.5²).
"""
import copy
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recurrent import write_fixture_cases  # noqa: E402  (shared write-and-check loop)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, 'test', 'fixtures', 'modules')
DEFAULT_TOL = {'atol': 1e-5, 'rtol': 1e-4}

torch.set_num_threads(1)


# ----------------------------------------------------------------------------- spec -> torch module
def build(spec):
    """The torch module for a gated spec (the same dict the TypeScript test builds from)."""
    t = spec['type']
    if t == 'Linear':
        return nn.Linear(spec['inFeatures'], spec['outFeatures'], bias=spec.get('bias', True))
    if t == 'LayerNorm':
        m = nn.LayerNorm(spec['normalizedShape'], eps=spec.get('eps', 1e-5),
                         elementwise_affine=spec.get('elementwiseAffine', True))
        if m.elementwise_affine:
            with torch.no_grad():
                m.weight.normal_(1.0, 0.5)
                m.bias.normal_(0.0, 0.5)
            if not spec.get('bias', True):
                m.register_parameter('bias', None)  # torch >= 2.1: nn.LayerNorm(..., bias=False)
        return m
    if t == 'Embedding':
        return nn.Embedding(spec['numEmbeddings'], spec['embeddingDim'], padding_idx=spec.get('paddingIdx'))
    if t == 'Dropout':
        return nn.Dropout(spec['p'])
    if t == 'Sequential':
        return nn.Sequential(*[build(s) for s in spec['layers']])
    raise ValueError(t)


def run(m, inp, gy, is_index):
    """y and the gradients of Σ y·gy, by name ('x' and the parameter names)."""
    m.zero_grad(set_to_none=True)
    if not is_index:
        inp = inp.detach().clone().requires_grad_(True)
    y = m(inp)
    (y * gy).sum().backward()
    out = {'y': y.detach()}
    if not is_index:
        out['grad.x'] = inp.grad.detach()
    for n, p in m.named_parameters():
        out['grad.' + n] = p.grad.detach() if p.grad is not None else torch.zeros_like(p)
    return out


def case(name, spec, *, x_shape=None, indices=None, seed=0, x_scale=1.0, x_shift=0.0, fill_padding=False):
    torch.manual_seed(seed)
    m = build(spec).eval()  # eval: Dropout inside a Sequential is the identity
    if fill_padding:  # a loaded, non-zero padding row: still looked up as is, still no gradient
        with torch.no_grad():
            m.weight[m.padding_idx].normal_()
    is_index = indices is not None
    inp = torch.tensor(indices, dtype=torch.int64) if is_index else torch.randn(x_shape) * x_scale + x_shift
    with torch.no_grad():
        y_shape = m(inp).shape
    gy = torch.randn(y_shape)
    res32 = run(m, inp, gy, is_index)
    m64 = copy.deepcopy(m).double()
    res64 = run(m64, inp if is_index else inp.double(), gy.double(), is_index)
    # the float32 run must sit well inside the test's bound around the float64 one: 3·|Δ| ≤ atol + rtol·|ref64|
    drift = 0.0
    for k in res32:
        d = (res32[k].double() - res64[k]).abs()
        if d.numel():
            drift = max(drift, d.max().item())
            excess = 3 * d - (DEFAULT_TOL['atol'] + DEFAULT_TOL['rtol'] * res64[k].abs())
            assert excess.max().item() <= 0, (name, k, d.max().item())

    keys = list(m.state_dict().keys())
    tensors = [(k, v) for k, v in m.state_dict().items()]
    tensors.append(('indices' if is_index else 'x', inp))
    tensors += [('gy', gy)] + list(res32.items())
    cfg = {'spec': spec, 'input': 'indices' if is_index else 'x', 'stateDictKeys': keys,
           'tol': DEFAULT_TOL, 'float64Drift': drift}
    return name, cfg, tensors, drift


def cases():
    lin = lambda i, o, **kw: {'type': 'Linear', 'inFeatures': i, 'outFeatures': o, **kw}  # noqa: E731
    ln = lambda s, **kw: {'type': 'LayerNorm', 'normalizedShape': s, **kw}  # noqa: E731
    emb = lambda n, d, **kw: {'type': 'Embedding', 'numEmbeddings': n, 'embeddingDim': d, **kw}  # noqa: E731
    seq = lambda *layers: {'type': 'Sequential', 'layers': list(layers)}  # noqa: E731
    return [
        lambda: case('linear_3d', lin(5, 4), x_shape=[2, 3, 5], seed=1),
        lambda: case('linear_nobias', lin(3, 6, bias=False), x_shape=[4, 3], seed=2),
        lambda: case('linear_1d', lin(4, 3), x_shape=[4], seed=3),
        lambda: case('linear_4d_out1', lin(7, 1), x_shape=[3, 1, 2, 7], seed=4),
        lambda: case('layernorm_1d', ln([6]), x_shape=[2, 3, 6], seed=5),
        lambda: case('layernorm_2d', ln([3, 4]), x_shape=[2, 3, 4], seed=6),
        lambda: case('layernorm_noaffine_1d', ln([5], elementwiseAffine=False), x_shape=[4, 5], seed=7),
        lambda: case('layernorm_noaffine_2d', ln([2, 3], elementwiseAffine=False), x_shape=[3, 2, 3], seed=8),
        # small spread on a large offset: eps matters and the mean must be removed accurately
        lambda: case('layernorm_eps_shifted', ln([4], eps=0.01), x_shape=[3, 4], seed=9, x_scale=0.05, x_shift=3.0),
        lambda: case('layernorm_nobias', ln([5], bias=False), x_shape=[2, 5], seed=10),
        lambda: case('embedding', emb(7, 3), indices=[[1, 3, 1], [6, 0, 3]], seed=11),
        lambda: case('embedding_padding', emb(6, 4, paddingIdx=2), indices=[[2, 0, 2, 5], [1, 2, 5, 5]], seed=12,
                     fill_padding=True),
        lambda: case('embedding_padding_negative', emb(5, 3, paddingIdx=-1), indices=[4, 0, 4, 3, 1, 0], seed=13),
        lambda: case('sequential', seq(lin(4, 5), {'type': 'Dropout', 'p': 0.3}, ln([5]), lin(5, 3)),
                     x_shape=[2, 3, 4], seed=14),
        lambda: case('sequential_nested', seq(emb(6, 4), seq(lin(4, 4), ln([4])), lin(4, 2)),
                     indices=[[5, 1], [0, 3], [1, 1]], seed=15),
    ]


def main():
    write_fixture_cases(OUT_DIR, cases(), set(sys.argv[1:]),
                        lambda name, size, cfg, drift: f'{name:32s} {size:6d} B  drift {drift:.2e}')


if __name__ == '__main__':
    main()
