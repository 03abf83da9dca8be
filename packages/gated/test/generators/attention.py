#!/usr/bin/python3
"""PyTorch reference fixtures for the fused attention ops of `gated` (src/nn/attention.ts).

Regenerate with:   /usr/bin/python3 test/generators/attention.py
Writes test/fixtures/attention/attention.safetensors; read by test/nn/attention.parity.test.ts.

Each case holds q ([B, A] or [B, T, A]), keys [B, S, A], values [B, S, D], v [A] (additive only), lengths (I64),
upstream gradients gc (context) and ga (weights), PyTorch's context and weights, and the gradients of
L = Σ context·gc + Σ weights·ga for every input, written as `<case>.<name>`. Scores past a row's length are masked
with -inf before torch.softmax (the masked weights are exactly 0). __metadata__.cases lists the cases (JSON).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recurrent import write_safetensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'attention', 'attention.safetensors')
torch.set_num_threads(1)

CASES = [
    {'name': 'additive_2d', 'kind': 'additive', 'B': 3, 'T': 0, 'S': 5, 'A': 4, 'D': 6, 'lengths': [5, 2, 3], 'scale': 1.0},
    {'name': 'additive_3d', 'kind': 'additive', 'B': 2, 'T': 3, 'S': 4, 'A': 5, 'D': 3, 'lengths': [4, 1], 'scale': 1.0},
    {'name': 'dot_2d', 'kind': 'dot', 'B': 3, 'T': 0, 'S': 6, 'A': 4, 'D': 5, 'lengths': [6, 3, 1], 'scale': 1.0},
    {'name': 'dot_3d_scaled', 'kind': 'dot', 'B': 2, 'T': 4, 'S': 5, 'A': 6, 'D': 2, 'lengths': [2, 5], 'scale': 0.5},
]


def run(c, seed):
    g = torch.Generator().manual_seed(seed)
    B, T, S, A, D = c['B'], c['T'], c['S'], c['A'], c['D']
    qshape = [B, T, A] if T else [B, A]
    q = torch.randn(qshape, generator=g, requires_grad=True)
    keys = torch.randn([B, S, A], generator=g, requires_grad=True)
    values = torch.randn([B, S, D], generator=g, requires_grad=True)
    v = torch.randn([A], generator=g, requires_grad=True)
    lengths = torch.tensor(c['lengths'], dtype=torch.int64)
    q3 = q if T else q.unsqueeze(1)                                              # [B, T', A]
    if c['kind'] == 'additive':
        e = (torch.tanh(q3.unsqueeze(2) + keys.unsqueeze(1)) * v).sum(-1)          # [B, T', S]
    else:
        e = c['scale'] * torch.einsum('bta,bsa->bts', q3, keys)
    mask = torch.arange(S).view(1, 1, S) >= lengths.view(B, 1, 1)
    a = torch.softmax(e.masked_fill(mask, float('-inf')), dim=-1)
    ctx = torch.einsum('bts,bsd->btd', a, values)
    if not T:
        ctx, a = ctx.squeeze(1), a.squeeze(1)
    gc, ga = torch.randn(ctx.shape, generator=g), torch.randn(a.shape, generator=g)
    ((ctx * gc).sum() + (a * ga).sum()).backward()
    out = [('q', q), ('keys', keys), ('values', values), ('lengths', lengths), ('gc', gc), ('ga', ga), ('context', ctx), ('weights', a),
           ('grad.q', q.grad), ('grad.keys', keys.grad), ('grad.values', values.grad)]
    if c['kind'] == 'additive':
        out += [('v', v), ('grad.v', v.grad)]
    return out


def main():
    tensors = []
    for i, c in enumerate(CASES):
        tensors += [(f"{c['name']}.{k}", t.detach()) for k, t in run(c, 100 + i)]
    write_safetensors(OUT, tensors, {'cases': json.dumps(CASES)})
    print(f'wrote {OUT} ({len(CASES)} cases)')


if __name__ == '__main__':
    main()
