#!/usr/bin/python3
"""A Keras-format TF.js Layers model with GRU reset_after=True, for gated's TF.js import tests.

Regenerate with:   /usr/bin/python3 test/generators/tfjs_keras_fixture.py
TF.js itself cannot run reset_after=True GRUs (its GRUCell refuses them), and Keras is not packaged for Debian, so
the reference is PyTorch: with sigmoid gates and reset_after=True, a Keras GRU is exactly torch.nn.GRU. This script
converts the torch weights to Keras's layout independently of gated's converter (gate order z, r, h; kernels
transposed; bias rows (input, recurrent)), writes model.json in the layout the tensorflowjs converter gives a Keras
model (`modelTopology.model_config`, weight names like `bidirectional/forward_gru/gru_cell/kernel`) with one
float32 shard, and PyTorch's output for a batch of token ids in expected.safetensors (`ids` I64 [B, T], `output`).

Model: Embedding(11, 4) → Bidirectional(GRU(5, return_sequences=True)) → GRU(3) (last output) → Dense(2, softmax).
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recurrent import write_safetensors  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'tfjs', 'keras_gru_reset_after')


def keras_gru(w_ih, w_hh, b_ih, b_hh):
    """torch (r, z, n) blocks → Keras (z, r, h): kernel [I, 3H], recurrent_kernel [H, 3H], bias [2, 3H]."""
    H = w_hh.shape[1]
    order = lambda m: torch.cat([m[H:2 * H], m[0:H], m[2 * H:3 * H]], 0)  # noqa: E731
    return order(w_ih).t().contiguous(), order(w_hh).t().contiguous(), torch.stack([order(b_ih), order(b_hh)])


def gru_config(name, units, return_sequences):
    return {'name': name, 'trainable': True, 'dtype': 'float32', 'return_sequences': return_sequences, 'return_state': False,
            'go_backwards': False, 'stateful': False, 'unroll': False, 'time_major': False, 'units': units,
            'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': True, 'dropout': 0.0,
            'recurrent_dropout': 0.0, 'implementation': 2, 'reset_after': True}


def main():
    torch.manual_seed(2024)
    V, E, H1, H2, C, B, T = 11, 4, 5, 3, 2, 3, 6
    embed, bi, gru, head = nn.Embedding(V, E), nn.GRU(E, H1, bidirectional=True, batch_first=True), nn.GRU(2 * H1, H2, batch_first=True), nn.Linear(H2, C)
    for m in (bi, gru, head):
        for p in m.parameters():
            nn.init.uniform_(p, -0.8, 0.8)
    ids = torch.randint(0, V, (B, T))
    with torch.no_grad():
        y, _ = bi(embed(ids))
        _, h = gru(y)
        out = torch.softmax(head(h[0]), dim=-1)

    weights = [('embedding/embeddings', embed.weight)]
    for d, sfx in (('forward', ''), ('backward', '_reverse')):
        k, rk, b = keras_gru(*(getattr(bi, f'{n}_l0{sfx}') for n in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')))
        weights += [(f'bidirectional/{d}_gru/gru_cell/kernel', k), (f'bidirectional/{d}_gru/gru_cell/recurrent_kernel', rk),
                    (f'bidirectional/{d}_gru/gru_cell/bias', b)]
    k, rk, b = keras_gru(gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0)
    weights += [('gru_1/gru_cell_1/kernel', k), ('gru_1/gru_cell_1/recurrent_kernel', rk), ('gru_1/gru_cell_1/bias', b),
                ('dense/kernel', head.weight.t().contiguous()), ('dense/bias', head.bias)]

    layers = [
        {'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, T], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'input_1'}},
        {'class_name': 'Embedding', 'config': {'name': 'embedding', 'trainable': True, 'dtype': 'float32', 'input_dim': V, 'output_dim': E, 'mask_zero': False, 'input_length': T}},
        {'class_name': 'Bidirectional', 'config': {'name': 'bidirectional', 'trainable': True, 'dtype': 'float32', 'merge_mode': 'concat',
                                                    'layer': {'class_name': 'GRU', 'config': gru_config('gru', H1, True)}}},
        {'class_name': 'GRU', 'config': gru_config('gru_1', H2, False)},
        {'class_name': 'Dense', 'config': {'name': 'dense', 'trainable': True, 'dtype': 'float32', 'units': C, 'activation': 'softmax', 'use_bias': True}},
    ]
    model = {
        'format': 'layers-model', 'generatedBy': 'keras v2.15.0 (layout; written by test/generators/tfjs_keras_fixture.py)', 'convertedBy': None,
        'modelTopology': {'keras_version': '2.15.0', 'backend': 'tensorflow',
                          'model_config': {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': layers}}},
        'weightsManifest': [{'paths': ['group1-shard1of1.bin'],
                             'weights': [{'name': n, 'shape': list(t.shape), 'dtype': 'float32'} for n, t in weights]}],
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'model.json'), 'w') as f:
        json.dump(model, f, indent=1)
    with open(os.path.join(OUT, 'group1-shard1of1.bin'), 'wb') as f:
        for _, t in weights:
            vals = t.detach().reshape(-1).tolist()
            f.write(struct.pack(f'<{len(vals)}f', *vals))
    write_safetensors(os.path.join(OUT, 'expected.safetensors'), [('ids', ids), ('output', out)], {})
    print(f'wrote {OUT}', file=sys.stderr)


if __name__ == '__main__':
    main()
