#!/usr/bin/python3
"""PyTorch references for the playground's gate and gradient views (web/src/gates.ts, web/src/gradients.ts).

Regenerate with:   /usr/bin/python3 test/web/generate_fixtures.py
Writes test/web/fixtures/charlm_{gru,lstm,rnn}.safetensors, each holding:
  - a character LM's weights with gated's CharLM / PyTorch names: embed.weight [V, E], rnn.* (2 layers), head.*;
  - gates.ids [T0+1] (boundary id 0, then T0 characters) and, per layer l, the float64 reference of what the gate
    view shows for the T0 characters: gates.l{l}.{z,r | f,i,o} [T0, H], gates.l{l}.h [T0, H], gates.l{l}.dh [T0, H];
    the explicit gate formulas are checked here against nn.GRU / nn.LSTM / nn.RNN's outputs first;
  - grads.ids [K, T+1] windows and grads.norms [K, T]: ||dL_k/dh_t|| over all layers' h_t, where L_k is window k's
    cross-entropy at its last step, computed by unrolling nn.*Cell copies of the layers with retain_grad();
    the unrolled loop is checked against the nn module's output first.
Ids are stored as F32 (small integers, exact). Recurrent weights ~ U(-0.6, 0.6) so that a gate-order mix-up shows.
"""
import json
import os
import struct

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fixtures')
V, E, H, L, T0, K, T = 7, 5, 6, 2, 9, 3, 12
torch.set_num_threads(1)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors:
        b = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def layer_weights(rnn, l):
    return [getattr(rnn, f'{n}_l{l}').double() for n in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')]


def explicit_gates(kind, rnn, x):
    """x [T', E] float64 → per layer: dict of gate arrays [T', H] and h [T', H] (explicit formulas)."""
    out = []
    for l in range(L):
        wih, whh, bih, bhh = layer_weights(rnn, l)
        h = torch.zeros(H, dtype=torch.float64)
        c = torch.zeros(H, dtype=torch.float64)
        rec = {k: [] for k in ('z', 'r', 'f', 'i', 'o', 'h')}
        for t in range(x.shape[0]):
            gi, gh = wih @ x[t] + bih, whh @ h + bhh
            if kind == 'gru':  # gate order r, z, n; reset after the recurrent product (PyTorch)
                r = torch.sigmoid(gi[:H] + gh[:H])
                z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
                n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
                h = (1 - z) * n + z * h
                rec['z'].append(z); rec['r'].append(r)
            elif kind == 'lstm':  # gate order i, f, g, o
                i, f = torch.sigmoid(gi[:H] + gh[:H]), torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
                g, o = torch.tanh(gi[2 * H:3 * H] + gh[2 * H:3 * H]), torch.sigmoid(gi[3 * H:] + gh[3 * H:])
                c = f * c + i * g
                h = o * torch.tanh(c)
                rec['f'].append(f); rec['i'].append(i); rec['o'].append(o)
            else:
                h = torch.tanh(gi + gh)
            rec['h'].append(h)
        out.append({k: torch.stack(v) for k, v in rec.items() if v})
        x = out[-1]['h']
    return out


def make_cell(kind, rnn, l):
    cls = {'gru': nn.GRUCell, 'lstm': nn.LSTMCell, 'rnn': nn.RNNCell}[kind]
    cell = cls(E if l == 0 else H, H)
    with torch.no_grad():
        for n in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'):
            getattr(cell, n).copy_(getattr(rnn, f'{n}_l{l}'))
    return cell


def case(kind, seed):
    torch.manual_seed(seed)
    embed, head = nn.Embedding(V, E), nn.Linear(H, V)
    rnn = {'gru': nn.GRU, 'lstm': nn.LSTM, 'rnn': nn.RNN}[kind](E, H, num_layers=L)
    with torch.no_grad():
        for p in rnn.parameters():
            p.uniform_(-0.6, 0.6)
    tensors = [('embed.weight', embed.weight)] + [(f'rnn.{n}', p) for n, p in rnn.named_parameters()]
    tensors += [('head.weight', head.weight), ('head.bias', head.bias)]

    # gate view: boundary + T0 characters
    ids = torch.cat([torch.zeros(1, dtype=torch.long), torch.randint(1, V, (T0,))])
    x = embed.weight.double()[ids]
    rec = explicit_gates(kind, rnn, x)
    ref = rnn.double()(x.unsqueeze(1))[0].squeeze(1)
    rnn.float()
    assert torch.allclose(rec[-1]['h'], ref, atol=1e-12), f'{kind}: explicit gates disagree with nn'
    tensors.append(('gates.ids', ids))
    for l, r in enumerate(rec):
        hs = r['h']
        prev = torch.cat([torch.zeros(1, H, dtype=torch.float64), hs[:-1]])
        for k, v in r.items():
            tensors.append((f'gates.l{l}.{k}', v[1:]))                 # the boundary step is not shown
        tensors.append((f'gates.l{l}.dh', (hs - prev).abs()[1:]))

    # gradient view: K windows of T+1 ids, loss at the last step, ||dL/dh_t|| over all layers
    wins = torch.randint(0, V, (K, T + 1))
    cells = [make_cell(kind, rnn, l) for l in range(L)]
    h = [torch.zeros(K, H) for _ in range(L)]
    c = [torch.zeros(K, H) for _ in range(L)]
    taps = []
    for t in range(T):
        inp = embed.weight[wins[:, t]]
        row = []
        for l, cell in enumerate(cells):
            if kind == 'lstm':
                h[l], c[l] = cell(inp, (h[l], c[l]))
            else:
                h[l] = cell(inp, h[l])
            h[l].retain_grad()
            row.append(h[l])
            inp = h[l]
        taps.append(row)
    full = rnn(embed.weight[wins[:, :T]].transpose(0, 1))[0][-1]
    assert torch.allclose(h[-1], full, atol=1e-6), f'{kind}: unrolled cells disagree with nn'
    loss = nn.functional.cross_entropy(head(h[-1]), wins[:, T], reduction='sum')
    loss.backward()
    norms = torch.stack([torch.sqrt(sum((v.grad ** 2).sum(1) for v in row)) for row in taps], 1)  # [K, T]
    tensors += [('grads.ids', wins), ('grads.norms', norms)]
    write_safetensors(os.path.join(OUT, f'charlm_{kind}.safetensors'), tensors)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for seed, kind in enumerate(('gru', 'lstm', 'rnn')):
        case(kind, seed)
    print('wrote', sorted(os.listdir(OUT)))
