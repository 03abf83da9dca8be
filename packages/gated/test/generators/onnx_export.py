#!/usr/bin/python3
"""Models exported by torch.onnx.export, with PyTorch's outputs, for gated's ONNX import tests.

Regenerate with:   /usr/bin/python3 test/generators/onnx_export.py
Writes into test/fixtures/onnx/torch/: for each case <name>.onnx (the exported graph, weights inside),
<name>.io.safetensors (every graph input under its ONNX name, then PyTorch's outputs as `out.<output name>`),
and <name>.state.safetensors (the module's state_dict, for the PyTorch → safetensors → gated path).
`__metadata__.config` of the io file (JSON) gives the module spec in gated's terms (read by the tests).

Every case is an Embedding → GRU/LSTM/RNN → Linear (or float-input) model in eval mode, random weights from
torch.manual_seed; dynamic_axes on time and batch make the exporter emit its shape arithmetic
(Shape, Gather, Unsqueeze, Concat, Expand, ...) around the recurrent operators.
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recurrent import write_safetensors  # noqa: E402  (shared struct+json writer)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, 'test', 'fixtures', 'onnx', 'torch')
torch.set_num_threads(1)

RNNS = {'gru': nn.GRU, 'lstm': nn.LSTM, 'rnn': nn.RNN}


class Stack(nn.Module):
    """ids [T, B] (or [B, T]) or x [T, B, I] → Embedding? → recurrent → LayerNorm? → Dropout → Linear → softmax?"""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c['vocab'], c['inputSize']) if c.get('vocab') else None
        kw = dict(num_layers=c.get('numLayers', 1), bidirectional=c.get('bidirectional', False),
                  batch_first=c.get('batchFirst', False), bias=c.get('bias', True))
        if c['cell'] == 'rnn':
            kw['nonlinearity'] = c.get('nonlinearity', 'tanh')
        self.rnn = RNNS[c['cell']](c['inputSize'], c['hiddenSize'], **kw)
        D = 2 if c.get('bidirectional') else 1
        self.norm = nn.LayerNorm(D * c['hiddenSize']) if c.get('layerNorm') else None
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(D * c['hiddenSize'], c['out'])

    def forward(self, x, h0=None):
        if self.embed is not None:
            x = self.embed(x)
        y, h = self.rnn(x, h0) if h0 is not None else self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        if self.norm is not None:
            y = self.norm(y)
        y = self.head(self.drop(y))
        if self.c.get('final') == 'logsoftmax':
            y = torch.log_softmax(y, dim=-1)
        elif self.c.get('final') == 'softmax':
            y = torch.softmax(y, dim=-1)
        return y, h


CASES = {
    'emb_gru_linear': dict(cell='gru', vocab=20, inputSize=8, hiddenSize=16, out=20, T=7, B=3, opset=14),
    'emb_lstm_linear': dict(cell='lstm', vocab=15, inputSize=6, hiddenSize=10, out=15, T=5, B=2, opset=14, final='logsoftmax'),
    'emb_gru_bidir_layers2_batch_first': dict(cell='gru', vocab=12, inputSize=5, hiddenSize=7, out=4, T=6, B=3, numLayers=2,
                                             bidirectional=True, batchFirst=True, opset=14, final='softmax'),
    'emb_lstm_bidir_layers2': dict(cell='lstm', vocab=11, inputSize=6, hiddenSize=8, out=3, T=4, B=2, numLayers=2,
                                   bidirectional=True, opset=14),
    'gru_h0_layers2_layernorm': dict(cell='gru', inputSize=4, hiddenSize=9, out=5, T=6, B=2, numLayers=2, h0=True,
                                     layerNorm=True, opset=17),
    'rnn_relu_bidir_h0': dict(cell='rnn', nonlinearity='relu', inputSize=3, hiddenSize=6, out=2, T=5, B=4,
                              bidirectional=True, h0=True, opset=14),
    'lstm_nobias_batch_first': dict(cell='lstm', inputSize=5, hiddenSize=4, out=3, T=3, B=2, bias=False, batchFirst=True,
                                    opset=13),
}


def make(name, c):
    torch.manual_seed(sum(map(ord, name)))
    m = Stack(c).eval()
    T, B = c['T'], c['B']
    bf = c.get('batchFirst', False)
    shape = (B, T) if bf else (T, B)
    if c.get('vocab'):
        x = torch.randint(0, c['vocab'], shape, dtype=torch.int64)
    else:
        x = torch.randn(*shape, c['inputSize'])
    args, names = (x,), ['input']
    D = 2 if c.get('bidirectional') else 1
    L = c.get('numLayers', 1)
    if c.get('h0'):
        if c['cell'] == 'lstm':
            raise ValueError('h0 cases are GRU/RNN only')
        args, names = (x, torch.randn(L * D, B, c['hiddenSize'])), ['input', 'h0']
    t_ax, b_ax = (1, 0) if bf else (0, 1)
    dyn = {'input': {t_ax: 'T', b_ax: 'B'}, 'output': {t_ax: 'T', b_ax: 'B'}, 'h_n': {1: 'B'}}
    if c.get('h0'):
        dyn['h0'] = {1: 'B'}
    path = os.path.join(OUT_DIR, f'{name}.onnx')
    with torch.no_grad():
        y, h = m(*args)
        torch.onnx.export(m, args, path, input_names=names, output_names=['output', 'h_n'], dynamic_axes=dyn,
                          opset_version=c['opset'], do_constant_folding=True)
    tensors = list(zip(names, args)) + [('out.output', y), ('out.h_n', h)]
    spec = {k: v for k, v in c.items()}
    write_safetensors(os.path.join(OUT_DIR, f'{name}.io.safetensors'), tensors, {'config': json.dumps(spec)})
    write_safetensors(os.path.join(OUT_DIR, f'{name}.state.safetensors'),
                      [(k, v.detach()) for k, v in m.state_dict().items()], {'config': json.dumps(spec)})
    import onnx  # the file must be a valid model for the official checker
    onnx.checker.check_model(onnx.load(path))
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    print(f'{name}: {os.path.getsize(path)} bytes, ops {", ".join(ops)}', file=sys.stderr)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for f in os.listdir(OUT_DIR):
        os.remove(os.path.join(OUT_DIR, f))
    for name, c in CASES.items():
        make(name, c)


if __name__ == '__main__':
    main()
