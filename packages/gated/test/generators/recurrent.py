#!/usr/bin/python3
"""PyTorch reference fixtures for the recurrent layers and cells of `gated`.

Regenerate with:   /usr/bin/python3 test/generators/recurrent.py
Writes one safetensors file per case into test/fixtures/recurrent/ (see test/generators/README.md).

Every case is deterministic (torch.manual_seed per case).  All parameters are re-initialised with
uniform(-0.6, 0.6) so that a gate-order, transpose or ih/hh mix-up cannot hide behind symmetric weights.
The loss is  L = (output*gy).sum() + (h_n*ghn).sum() [+ (c_n*gcn).sum() for LSTM]  and every gradient
of L (inputs, initial states, parameters) is stored.

Besides running nn.GRU / nn.LSTM / nn.RNN, the script carries an explicit float64 implementation of all
modes (`explicit_forward`).  It is checked against the nn modules (in float64) for every layer case, and
is the only reference for the Cho-2014 "reset-before" GRU, which PyTorch has no flag for.

Tolerances: every case is rerun in float64 from the same float32 parameters/inputs; the max abs difference
between the float32 results and the float64 results ("drift") is measured over all stored outputs and
gradients and recorded in the config as `float64Drift`.  The default tolerance is {atol: 1e-5, rtol: 1e-4};
where 3x the observed drift exceeds the default atol (only the long-sequence cases: lstm_long_t100_bidir
drifts ~4.3e-6, rnn_tanh_long_t60 ~5.9e-6), atol is set to 3x the observed drift (rounded up).

RNN_RELU cases are reseeded until every (valid) relu pre-activation is at least 1e-3 away from 0, so that
float32 rounding in another implementation cannot flip a relu on or off.
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, 'test', 'fixtures', 'recurrent')
DEFAULT_TOL = {'atol': 1e-5, 'rtol': 1e-4}
INIT = 0.6  # parameters ~ U(-INIT, INIT)

torch.set_num_threads(1)


# ----------------------------------------------------------------------------- safetensors writer
def write_safetensors(path, tensors, metadata):
    """tensors: ordered list of (name, torch.Tensor float32/int64). metadata: dict str -> str."""
    header = {}
    blobs = []
    offset = 0
    # 8-byte tensors (I64) first, so that their data stays 8-byte aligned from the data start
    # (the header is padded to a multiple of 8); safetensors forbids holes between tensors.
    tensors = sorted(tensors, key=lambda nt: 0 if nt[1].dtype == torch.int64 else 1)  # stable
    for name, t in tensors:
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.float32:
            dtype, fmt = 'F32', '<%df'
        elif t.dtype == torch.int64:
            dtype, fmt = 'I64', '<%dq'
        else:
            raise TypeError(f'{name}: unsupported dtype {t.dtype}')
        flat = t.reshape(-1).tolist()
        raw = struct.pack(fmt % len(flat), *flat)
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header['__metadata__'] = metadata
    hjson = json.dumps(header, separators=(',', ':')).encode('utf-8')
    hjson += b' ' * ((8 - len(hjson) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Minimal reader, used to self-check the writer."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode('utf-8'))
    meta = header.pop('__metadata__', {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        b, e = info['data_offsets']
        raw = data[base + b: base + e]
        if info['dtype'] == 'F32':
            vals = struct.unpack('<%df' % (len(raw) // 4), raw)
            out[name] = torch.tensor(vals, dtype=torch.float32).reshape(info['shape'])
        else:
            vals = struct.unpack('<%dq' % (len(raw) // 8), raw)
            out[name] = torch.tensor(vals, dtype=torch.int64).reshape(info['shape'])
    return out, meta


# ----------------------------------------------------------------------------- explicit reference
def _gate_chunks(w, n):
    return w.chunk(n, 0)


def explicit_forward(mode, params, x, h0, c0, lengths, *, num_layers, bidirectional, batch_first,
                     proj_size=0, reset_after=True, bias=True, return_preacts=False):
    """Explicit (unfused) reference for every mode, any dtype, autograd-friendly.

    x: [T, B, I] (or [B, T, I] with batch_first) — always batched here.  lengths: list[int] or None.
    Padded steps are handled by masking: the state is frozen and the output is zero there, which is
    exactly what pack_padded_sequence / pad_packed_sequence produce.
    Returns output, h_n, c_n (c_n None unless LSTM) and, optionally, the list of RNN pre-activations.
    """
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    D = 2 if bidirectional else 1
    H = params['weight_ih_l0'].shape[0] // {'GRU': 3, 'LSTM': 4}.get(mode, 1)
    Hout = proj_size if proj_size > 0 else H
    dt = x.dtype
    if lengths is None:
        mask = torch.ones(T, B, 1, dtype=dt)
    else:
        mask = (torch.arange(T).unsqueeze(1) < torch.tensor(lengths).unsqueeze(0)).to(dt).unsqueeze(2)
    if h0 is None:
        h0 = torch.zeros(num_layers * D, B, Hout, dtype=dt)
    if mode == 'LSTM' and c0 is None:
        c0 = torch.zeros(num_layers * D, B, H, dtype=dt)
    preacts = []
    layer_in = x
    hn, cn = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(D):
            sfx = f'_l{layer}' + ('_reverse' if d == 1 else '')
            w_ih = params['weight_ih' + sfx]
            w_hh = params['weight_hh' + sfx]
            b_ih = params['bias_ih' + sfx] if bias else None
            b_hh = params['bias_hh' + sfx] if bias else None
            w_hr = params.get('weight_hr' + sfx)
            h = h0[layer * D + d]
            c = c0[layer * D + d] if mode == 'LSTM' else None
            out_t = [None] * T
            steps = range(T - 1, -1, -1) if d == 1 else range(T)
            for t in steps:
                m = mask[t]
                xt = layer_in[t]
                gi = xt @ w_ih.t() + (b_ih if bias else 0)
                if mode == 'GRU':
                    gir, giz, gin = gi.chunk(3, 1)
                    whr, whz, whn = w_hh.chunk(3, 0)
                    bhr, bhz, bhn = b_hh.chunk(3, 0) if bias else (0, 0, 0)
                    r = torch.sigmoid(gir + h @ whr.t() + bhr)
                    z = torch.sigmoid(giz + h @ whz.t() + bhz)
                    if reset_after:
                        n = torch.tanh(gin + r * (h @ whn.t() + bhn))
                    else:
                        n = torch.tanh(gin + (r * h) @ whn.t() + bhn)
                    hn_t = (1 - z) * n + z * h
                elif mode == 'LSTM':
                    g = gi + h @ w_hh.t() + (b_hh if bias else 0)
                    gi_, gf_, gg_, go_ = g.chunk(4, 1)
                    i_, f_, g_, o_ = torch.sigmoid(gi_), torch.sigmoid(gf_), torch.tanh(gg_), torch.sigmoid(go_)
                    c_new = f_ * c + i_ * g_
                    hn_t = o_ * torch.tanh(c_new)
                    if w_hr is not None:
                        hn_t = hn_t @ w_hr.t()
                    c = m * c_new + (1 - m) * c
                else:
                    pre = gi + h @ w_hh.t() + (b_hh if bias else 0)
                    if return_preacts:
                        # only valid (unpadded) entries matter
                        preacts.append(pre.detach()[m.expand_as(pre) > 0])
                    hn_t = torch.tanh(pre) if mode == 'RNN_TANH' else torch.relu(pre)
                h = m * hn_t + (1 - m) * h
                out_t[t] = m * hn_t
            outs.append(torch.stack(out_t, 0))
            hn.append(h)
            if mode == 'LSTM':
                cn.append(c)
        layer_in = torch.cat(outs, 2)
    output = layer_in
    if batch_first:
        output = output.transpose(0, 1)
    h_n = torch.stack(hn, 0)
    c_n = torch.stack(cn, 0) if mode == 'LSTM' else None
    if return_preacts:
        return output, h_n, c_n, preacts
    return output, h_n, c_n


# ----------------------------------------------------------------------------- layer cases
def make_module(cfg):
    kw = dict(input_size=cfg['inputSize'], hidden_size=cfg['hiddenSize'], num_layers=cfg['numLayers'],
              bias=cfg['bias'], batch_first=cfg['batchFirst'], bidirectional=cfg['bidirectional'])
    mode = cfg['mode']
    if mode == 'GRU':
        return nn.GRU(**kw)
    if mode == 'LSTM':
        return nn.LSTM(proj_size=cfg['projSize'], **kw)
    return nn.RNN(nonlinearity=cfg['nonlinearity'], **kw)


def run_layer(mode, cfg, params, x, h0, c0, lengths, gy, ghn, gcn, dtype):
    """Runs the case at `dtype` (float32 via nn module, or float64 via nn module / explicit for Cho).
    Returns dict of results + grads, all detached in `dtype`."""
    params = {k: v.detach().to(dtype).clone().requires_grad_(True) for k, v in params.items()}
    xs = x.detach().to(dtype).clone().requires_grad_(True)
    h0s = h0.detach().to(dtype).clone().requires_grad_(True) if h0 is not None else None
    c0s = c0.detach().to(dtype).clone().requires_grad_(True) if c0 is not None else None
    unbatched = cfg['unbatched']
    if not cfg['resetAfter']:
        xb = xs.unsqueeze(1) if unbatched else xs
        hb = h0s.unsqueeze(1) if (unbatched and h0s is not None) else h0s
        output, h_n, c_n = explicit_forward(mode, params, xb, hb, None, lengths, num_layers=cfg['numLayers'],
                                            bidirectional=cfg['bidirectional'], batch_first=cfg['batchFirst'],
                                            reset_after=False, bias=cfg['bias'])
        if unbatched:
            output, h_n = output.squeeze(1), h_n.squeeze(1)
    else:
        mod = make_module(cfg).to(dtype)
        with torch.no_grad():
            for name, p in mod.named_parameters():
                p.copy_(params[name])
        # use the module's own parameters, gradients are read back from them
        state = (h0s, c0s) if mode == 'LSTM' else h0s
        if mode == 'LSTM' and h0s is None:
            state = None
        if lengths is not None:
            packed = pack_padded_sequence(xs, torch.tensor(lengths), batch_first=cfg['batchFirst'],
                                          enforce_sorted=False)
            out_p, hs = mod(packed, state)
            output, _ = pad_packed_sequence(out_p, batch_first=cfg['batchFirst'], total_length=x.shape[1 if cfg['batchFirst'] else 0])
        else:
            output, hs = mod(xs, state)
        if mode == 'LSTM':
            h_n, c_n = hs
        else:
            h_n, c_n = hs, None
        params = dict(mod.named_parameters())
    loss = (output * gy.to(dtype)).sum() + (h_n * ghn.to(dtype)).sum()
    if c_n is not None:
        loss = loss + (c_n * gcn.to(dtype)).sum()
    loss.backward()
    res = {'output': output.detach(), 'h_n': h_n.detach()}
    if c_n is not None:
        res['c_n'] = c_n.detach()
    res['grad.x'] = xs.grad.detach()
    if h0s is not None:
        res['grad.h0'] = h0s.grad.detach()
    if c0s is not None:
        res['grad.c0'] = c0s.grad.detach()
    for name, p in params.items():
        res['grad.' + name] = p.grad.detach() if p.grad is not None else torch.zeros_like(p)
    return res


def check_explicit(mode, cfg, params, x, h0, c0, lengths, gy, ghn, gcn, ref64):
    """Asserts the explicit float64 implementation (reset-after for GRU) reproduces nn.* in float64."""
    p = {k: v.detach().double().clone().requires_grad_(True) for k, v in params.items()}
    xs = x.detach().double().clone().requires_grad_(True)
    h0s = h0.detach().double().clone().requires_grad_(True) if h0 is not None else None
    c0s = c0.detach().double().clone().requires_grad_(True) if c0 is not None else None
    unb = cfg['unbatched']
    xb = xs.unsqueeze(1) if unb else xs
    hb = h0s.unsqueeze(1) if (unb and h0s is not None) else h0s
    cb = c0s.unsqueeze(1) if (unb and c0s is not None) else c0s
    output, h_n, c_n, pre = explicit_forward(mode, p, xb, hb, cb, lengths, num_layers=cfg['numLayers'],
                                             bidirectional=cfg['bidirectional'], batch_first=cfg['batchFirst'],
                                             proj_size=cfg['projSize'], reset_after=True, bias=cfg['bias'],
                                             return_preacts=True)
    if unb:
        output, h_n = output.squeeze(1), h_n.squeeze(1)
        if c_n is not None:
            c_n = c_n.squeeze(1)
    loss = (output * gy.double()).sum() + (h_n * ghn.double()).sum()
    if c_n is not None:
        loss = loss + (c_n * gcn.double()).sum()
    loss.backward()
    got = {'output': output, 'h_n': h_n, 'grad.x': xs.grad}
    if c_n is not None:
        got['c_n'] = c_n
    if h0s is not None:
        got['grad.h0'] = h0s.grad
    if c0s is not None:
        got['grad.c0'] = c0s.grad
    for k, v in p.items():
        got['grad.' + k] = v.grad if v.grad is not None else torch.zeros_like(v)
    for k, v in got.items():
        diff = (v.detach() - ref64[k]).abs().max().item()
        assert diff < 1e-10, f'explicit {mode} disagrees with nn on {k}: {diff}'
    return pre


def drift_and_tol(res32, res64, name, long_case):
    """Max abs float32-vs-float64 difference over all stored outputs and gradients, and the tolerance.

    atol = max(default atol, 3 x drift): an independent float32 implementation may drift as much as
    PyTorch's float32 kernels do, in another direction, so the bound keeps a margin of ~3x.
    """
    drift = max((res32[k].double() - res64[k]).abs().max().item() for k in res32)
    tol = dict(DEFAULT_TOL)
    if 3 * drift > DEFAULT_TOL['atol']:
        atol = 3 * drift
        e = math.floor(math.log10(atol))
        tol['atol'] = float('%.2g' % (math.ceil(atol / 10 ** (e - 1)) * 10 ** (e - 1)))  # 2 digits, rounded up
        print(f'  {name}: float32-vs-float64 drift {drift:.3g}, 3x exceeds default atol -> atol {tol["atol"]:.3g}')
    elif long_case:
        print(f'  {name}: float32-vs-float64 drift {drift:.3g}, default tol kept')
    return drift, tol


def relu_margin_ok(preacts, margin=1e-3):
    if not preacts:
        return True
    m = min(p.abs().min().item() for p in preacts if p.numel() > 0)
    return m > margin


def layer_case(name, mode, *, I=4, H=5, L=1, T=5, B=3, bias=True, batch_first=False, bidir=False,
               proj=0, h0=False, c0=None, lengths=None, unbatched=False, reset_after=True, seed=0,
               long_case=False):
    if c0 is None:
        c0 = h0
    nonlin = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}.get(mode, 'tanh')
    cfg = {'mode': mode, 'inputSize': I, 'hiddenSize': H, 'numLayers': L, 'bias': bias,
           'batchFirst': batch_first, 'bidirectional': bidir, 'projSize': proj,
           'resetAfter': reset_after, 'nonlinearity': nonlin, 'unbatched': unbatched, 'cell': False}
    D = 2 if bidir else 1
    Hout = proj if proj else H
    assert not (unbatched and lengths is not None)
    if lengths is not None:
        assert len(lengths) == B and max(lengths) == T
    for attempt in range(20):
        torch.manual_seed(seed * 1000 + attempt)
        mod = make_module(cfg)
        params = {}
        for pname, p in mod.named_parameters():
            params[pname] = torch.empty(p.shape).uniform_(-INIT, INIT)
        if unbatched:
            x = torch.randn(T, I)
            out_shape = (T, D * Hout)
            hshape, cshape = (L * D, Hout), (L * D, H)
        else:
            x = torch.randn(B, T, I) if batch_first else torch.randn(T, B, I)
            out_shape = (B, T, D * Hout) if batch_first else (T, B, D * Hout)
            hshape, cshape = (L * D, B, Hout), (L * D, B, H)
        h0_t = torch.randn(*hshape) * 0.5 if h0 else None
        c0_t = torch.randn(*cshape) * 0.5 if (mode == 'LSTM' and c0) else None
        gy = torch.randn(*out_shape)
        ghn = torch.randn(*hshape)
        gcn = torch.randn(*cshape) if mode == 'LSTM' else None
        res64 = run_layer(mode, cfg, params, x, h0_t, c0_t, lengths, gy, ghn, gcn, torch.float64)
        if reset_after:
            pre = check_explicit(mode, cfg, params, x, h0_t, c0_t, lengths, gy, ghn, gcn, res64)
            if mode == 'RNN_RELU' and not relu_margin_ok(pre):
                print(f'  {name}: relu pre-activation too close to 0, reseeding')
                continue
        break
    else:
        raise RuntimeError(f'{name}: no seed with a safe relu margin')
    if reset_after:
        res32 = run_layer(mode, cfg, params, x, h0_t, c0_t, lengths, gy, ghn, gcn, torch.float32)
    else:
        # Cho GRU: the reference is the float64 explicit computation cast to float32
        res32 = {k: v.float() for k, v in res64.items()}
        # the float32 run of the same explicit code only serves to measure float32 drift
        drift32 = run_layer(mode, cfg, params, x, h0_t, c0_t, lengths, gy, ghn, gcn, torch.float32)
    drift, tol = drift_and_tol(res32 if reset_after else drift32, res64, name, long_case)
    cfg['tol'] = tol
    cfg['float64Drift'] = float('%.3g' % drift)
    tensors = [(k, v) for k, v in params.items()]
    tensors.append(('x', x))
    if h0_t is not None:
        tensors.append(('h0', h0_t))
    if c0_t is not None:
        tensors.append(('c0', c0_t))
    if lengths is not None:
        tensors.append(('lengths', torch.tensor(lengths, dtype=torch.int64)))
    tensors.append(('gy', gy))
    tensors.append(('ghn', ghn))
    if gcn is not None:
        tensors.append(('gcn', gcn))
    for k, v in res32.items():
        tensors.append((k, v.float()))
    return name, cfg, tensors, drift


# ----------------------------------------------------------------------------- cell cases
def cell_case(name, mode, *, I=4, H=5, T=4, B=3, bias=True, state=True, zero_state=False, seed=0):
    nonlin = 'relu' if mode == 'RNNCell_relu' else 'tanh'
    base = 'RNNCell' if mode.startswith('RNNCell') else mode
    cfg = {'mode': base, 'inputSize': I, 'hiddenSize': H, 'numLayers': 1, 'bias': bias,
           'batchFirst': False, 'bidirectional': False, 'projSize': 0, 'resetAfter': True,
           'nonlinearity': nonlin, 'unbatched': False, 'cell': True}
    for attempt in range(20):
        torch.manual_seed(seed * 1000 + attempt)
        if base == 'GRUCell':
            cell = nn.GRUCell(I, H, bias=bias)
        elif base == 'LSTMCell':
            cell = nn.LSTMCell(I, H, bias=bias)
        else:
            cell = nn.RNNCell(I, H, bias=bias, nonlinearity=nonlin)
        params = {pn: torch.empty(p.shape).uniform_(-INIT, INIT) for pn, p in cell.named_parameters()}
        x = torch.randn(T, B, I)
        if zero_state:
            h0 = torch.zeros(B, H)
            c0 = torch.zeros(B, H) if base == 'LSTMCell' else None
        elif state:
            h0 = torch.randn(B, H) * 0.5
            c0 = torch.randn(B, H) * 0.5 if base == 'LSTMCell' else None
        else:
            h0 = c0 = None
        gy = torch.randn(T, B, H)
        gcn = torch.randn(B, H) if base == 'LSTMCell' else None

        def run(dtype):
            c = cell.__class__(I, H, bias=bias) if base != 'RNNCell' else nn.RNNCell(I, H, bias=bias, nonlinearity=nonlin)
            c = c.to(dtype)
            with torch.no_grad():
                for pn, p in c.named_parameters():
                    p.copy_(params[pn])
            xs = x.to(dtype).clone().requires_grad_(True)
            hs = h0.to(dtype).clone().requires_grad_(True) if h0 is not None else None
            cs = c0.to(dtype).clone().requires_grad_(True) if c0 is not None else None
            h, cc = hs, cs
            outs, pres = [], []
            for t in range(T):
                if base == 'LSTMCell':
                    h, cc = c(xs[t], (h, cc) if h is not None else None)
                else:
                    if base == 'RNNCell' and dtype == torch.float64:
                        hp = h if h is not None else torch.zeros(B, H, dtype=dtype)
                        pre = xs[t] @ c.weight_ih.t() + hp @ c.weight_hh.t()
                        if bias:
                            pre = pre + c.bias_ih + c.bias_hh
                        pres.append(pre.detach())
                    h = c(xs[t], h)
                outs.append(h)
            output = torch.stack(outs, 0)
            loss = (output * gy.to(dtype)).sum()
            if base == 'LSTMCell':
                loss = loss + (cc * gcn.to(dtype)).sum()
            loss.backward()
            res = {'output': output.detach(), 'h_n': h.detach()}
            if base == 'LSTMCell':
                res['c_n'] = cc.detach()
            res['grad.x'] = xs.grad
            if hs is not None:
                res['grad.h0'] = hs.grad
            if cs is not None:
                res['grad.c0'] = cs.grad
            for pn, p in c.named_parameters():
                res['grad.' + pn] = p.grad if p.grad is not None else torch.zeros_like(p)
            return res, pres

        res64, pres = run(torch.float64)
        if nonlin == 'relu' and not relu_margin_ok(pres):
            print(f'  {name}: relu pre-activation too close to 0, reseeding')
            continue
        break
    else:
        raise RuntimeError(name)
    res32, _ = run(torch.float32)
    if zero_state and T == 1:
        assert res32['grad.weight_hh'].abs().max().item() == 0.0
    drift, tol = drift_and_tol(res32, res64, name, False)
    cfg['tol'] = tol
    cfg['float64Drift'] = float('%.3g' % drift)
    tensors = list(params.items())
    tensors.append(('x', x))
    if h0 is not None:
        tensors.append(('h0', h0))
    if c0 is not None:
        tensors.append(('c0', c0))
    tensors.append(('gy', gy))
    if gcn is not None:
        tensors.append(('gcn', gcn))
    for k, v in res32.items():
        tensors.append((k, v.float()))
    return name, cfg, tensors, drift


# ----------------------------------------------------------------------------- the case list
def cases():
    out = []
    modes = [('gru', 'GRU'), ('lstm', 'LSTM'), ('rnn_tanh', 'RNN_TANH'), ('rnn_relu', 'RNN_RELU')]
    for mi, (p, mode) in enumerate(modes):
        s = 100 * (mi + 1)
        out += [
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_plain', mode, seed=s + 1),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_plain_h0', mode, h0=True, seed=s + 2),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_layers3_h0', mode, L=3, h0=True, T=4, B=2, seed=s + 3),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_layers2', mode, L=2, H=4, I=3, seed=s + 4),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_bidir', mode, bidir=True, seed=s + 5),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_bidir_layers2_h0', mode, bidir=True, L=2, h0=True, T=4,
                                                   seed=s + 6),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_batch_first_h0', mode, batch_first=True, h0=True, T=6,
                                                   B=2, seed=s + 7),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_nobias_layers2_bidir', mode, bias=False, L=2, bidir=True,
                                                   T=4, B=2, seed=s + 8),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_lengths_bidir_layers2_h0', mode, bidir=True, L=2, h0=True,
                                                   T=6, B=4, lengths=[3, 6, 1, 4], seed=s + 9),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_lengths_uni', mode, T=5, B=3, lengths=[5, 1, 2],
                                                   seed=s + 10),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_unbatched_bidir_layers2_h0', mode, unbatched=True, L=2,
                                                   bidir=True, h0=True, T=5, seed=s + 11),
            lambda p=p, mode=mode, s=s: layer_case(f'{p}_degenerate_h1_t1_b1', mode, I=1, H=1, T=1, B=1, h0=True,
                                                   seed=s + 12),
        ]
    # extras
    out += [
        lambda: layer_case('gru_lengths_batch_first_bidir', 'GRU', batch_first=True, bidir=True, T=5, B=3,
                           lengths=[2, 5, 1], seed=51),
        lambda: layer_case('gru_unbatched', 'GRU', unbatched=True, T=4, seed=52),
        lambda: layer_case('gru_degenerate_h1', 'GRU', H=1, T=3, B=2, bidir=True, seed=53),
        lambda: layer_case('lstm_nobias_batch_first', 'LSTM', bias=False, batch_first=True, seed=55),
        # LSTM projections
        lambda: layer_case('lstm_proj', 'LSTM', H=5, proj=3, h0=True, seed=61),
        lambda: layer_case('lstm_proj_bidir_layers2', 'LSTM', H=5, proj=2, L=2, bidir=True, h0=True, T=4, seed=62),
        lambda: layer_case('lstm_proj_lengths_bidir', 'LSTM', H=4, proj=3, bidir=True, h0=True, T=5, B=3,
                           lengths=[1, 5, 3], seed=63),
        lambda: layer_case('lstm_proj_unbatched_layers2', 'LSTM', H=4, proj=2, L=2, unbatched=True, h0=True, T=4,
                           seed=64),
        lambda: layer_case('lstm_proj_nobias_batch_first', 'LSTM', H=4, proj=1, bias=False, batch_first=True,
                           seed=65),
        # long sequences
        lambda: layer_case('gru_long_t80', 'GRU', I=3, H=6, T=80, B=2, h0=True, seed=71, long_case=True),
        lambda: layer_case('lstm_long_t100_bidir', 'LSTM', I=3, H=5, T=100, B=2, bidir=True, h0=True, seed=72,
                           long_case=True),
        lambda: layer_case('rnn_tanh_long_t60', 'RNN_TANH', I=3, H=6, T=60, B=2, h0=True, seed=73, long_case=True),
        # Cho 2014 reset-before GRU (explicit float64 reference)
        lambda: layer_case('gru_cho_plain', 'GRU', reset_after=False, seed=81),
        lambda: layer_case('gru_cho_h0', 'GRU', reset_after=False, h0=True, seed=82),
        lambda: layer_case('gru_cho_bidir_layers2_h0', 'GRU', reset_after=False, bidir=True, L=2, h0=True, T=4,
                           seed=83),
        lambda: layer_case('gru_cho_lengths_bidir_h0', 'GRU', reset_after=False, bidir=True, h0=True, T=6, B=4,
                           lengths=[6, 1, 4, 2], seed=84),
        lambda: layer_case('gru_cho_nobias_batch_first', 'GRU', reset_after=False, bias=False, batch_first=True,
                           seed=85),
        lambda: layer_case('gru_cho_unbatched_h0', 'GRU', reset_after=False, unbatched=True, h0=True, seed=86),
        # cells
        lambda: cell_case('cell_gru', 'GRUCell', seed=91),
        lambda: cell_case('cell_gru_nostate', 'GRUCell', state=False, seed=92),
        lambda: cell_case('cell_gru_nobias', 'GRUCell', bias=False, seed=93),
        lambda: cell_case('cell_gru_zero_state_1step', 'GRUCell', zero_state=True, T=1, seed=94),
        lambda: cell_case('cell_lstm', 'LSTMCell', seed=95),
        lambda: cell_case('cell_lstm_nostate', 'LSTMCell', state=False, seed=96),
        lambda: cell_case('cell_lstm_nobias', 'LSTMCell', bias=False, seed=97),
        lambda: cell_case('cell_lstm_zero_state_1step', 'LSTMCell', zero_state=True, T=1, seed=98),
        lambda: cell_case('cell_rnn_tanh', 'RNNCell', seed=99),
        lambda: cell_case('cell_rnn_tanh_nostate', 'RNNCell', state=False, seed=100),
        lambda: cell_case('cell_rnn_tanh_zero_state_1step', 'RNNCell', zero_state=True, T=1, seed=101),
        lambda: cell_case('cell_rnn_relu', 'RNNCell_relu', seed=102),
        lambda: cell_case('cell_rnn_relu_nostate', 'RNNCell_relu', state=False, seed=103),
        lambda: cell_case('cell_rnn_relu_nobias_1x1', 'RNNCell_relu', bias=False, I=1, H=1, B=1, T=3, seed=104),
    ]
    return out


def validate_cho_against_nn():
    """The explicit reset-after GRU must reproduce nn.GRU in float64 (multi-layer, bidirectional, lengths)."""
    torch.manual_seed(12345)
    mod = nn.GRU(3, 4, num_layers=2, bidirectional=True).double()
    with torch.no_grad():
        for p in mod.parameters():
            p.uniform_(-INIT, INIT)
    params = {k: v.detach().clone().requires_grad_(True) for k, v in mod.named_parameters()}
    x = torch.randn(5, 3, 3, dtype=torch.float64)
    h0 = torch.randn(4, 3, 4, dtype=torch.float64)
    lengths = [5, 2, 1]
    out_nn, _ = pad_packed_sequence(mod(pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False), h0)[0],
                                    total_length=5)
    hn_nn = mod(pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False), h0)[1]
    out_ex, hn_ex, _ = explicit_forward('GRU', params, x, h0, None, lengths, num_layers=2, bidirectional=True,
                                        batch_first=False, reset_after=True)
    assert (out_nn - out_ex).abs().max().item() < 1e-12, 'explicit reset-after GRU != nn.GRU (output)'
    assert (hn_nn - hn_ex).abs().max().item() < 1e-12, 'explicit reset-after GRU != nn.GRU (h_n)'
    # and the reset-before variant really differs
    out_cho, _, _ = explicit_forward('GRU', params, x, h0, None, lengths, num_layers=2, bidirectional=True,
                                     batch_first=False, reset_after=False)
    assert (out_cho - out_ex).abs().max().item() > 1e-3


def write_fixture_cases(out_dir, cases, only, describe):
    """Writes every case `make() -> (name, cfg, tensors, drift)` to out_dir/<name>.safetensors (all, or those named in
    `only`), reads each back to check it, and — on a full run — removes fixtures of cases that no longer exist.
    Shared by the generators in this folder."""
    os.makedirs(out_dir, exist_ok=True)
    written = set()
    for make in cases:
        name, cfg, tensors, drift = make()
        if only and name not in only:
            continue
        assert name not in written, name
        written.add(name)
        path = os.path.join(out_dir, name + '.safetensors')
        write_safetensors(path, tensors, {'config': json.dumps(cfg, separators=(',', ':'))})
        back, meta = read_safetensors(path)
        for k, v in tensors:
            assert torch.equal(back[k], v.detach().to(back[k].dtype).reshape(back[k].shape)), (name, k)
        assert json.loads(meta['config']) == cfg
        print(describe(name, os.path.getsize(path), cfg, drift))
    if not only:
        for f in os.listdir(out_dir):
            if f.endswith('.safetensors') and f[:-len('.safetensors')] not in written:
                os.remove(os.path.join(out_dir, f))
                print('removed stale', f)
    print(f'{len(written)} fixtures in {out_dir}')


def main():
    validate_cho_against_nn()
    write_fixture_cases(OUT_DIR, cases(), set(sys.argv[1:]),
                        lambda name, size, cfg, drift: f'{name:40s} {size:7d} B  drift {drift:.2e}  tol {cfg["tol"]}')


if __name__ == '__main__':
    main()
