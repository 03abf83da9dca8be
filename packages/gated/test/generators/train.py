#!/usr/bin/python3
"""PyTorch reference fixtures for the training utilities of `gated`: losses, optimizers, clipping, LR schedules.

Regenerate with:   /usr/bin/python3 test/generators/train.py
Writes into test/fixtures/train/ (see test/generators/README.md):

  losses.safetensors   F.cross_entropy / mse_loss / binary_cross_entropy_with_logits / softmax / log_softmax:
                       per case `<case>.input`, `<case>.target` (I64 class indices for cross entropy), optional
                       `<case>.weight`, `<case>.posWeight`, the upstream gradient `<case>.gy` (shaped like the output),
                       PyTorch's output `<case>.out` and the gradients of  L = Σ out·gy : `<case>.grad.input`
                       (and `<case>.grad.target` for mse / bce). `__metadata__.cases`: JSON list of {name, fn, options}.
  optim.safetensors    torch.optim.{SGD, Adam, AdamW, RMSprop}: per case the initial parameters `<case>.p<i>.init`,
                       the gradient fed at each step `<case>.p<i>.grad.<s>` (absent = grad None at that step), the
                       parameters after each step `<case>.p<i>.after.<s>` (s = 1..5) and the optimizer state after the
                       last step `<case>.state.<i>.<buffer>`. `__metadata__.cases`: {name, optimizer, options, params,
                       steps, stepCounts}.
  clip.safetensors     clip_grad_norm_ / clip_grad_value_: `<case>.g<i>` before, `<case>.clipped.<i>` after;
                       `__metadata__.cases`: {name, fn, maxNorm | clipValue, normType, totalNorm, missing}.
  schedules.json       lr sequences of StepLR, CosineAnnealingLR, LinearLR and SequentialLR (get_last_lr() after
                       construction and after each step), as exact JSON doubles.

Every case is deterministic (torch.manual_seed per case). Inputs are float32; the losses are also evaluated in
float64 from the same float32 inputs, and the largest |float32 − float64| over outputs and gradients is recorded per
case as `float64Drift`.
"""
import json
import math
import os
import sys
import warnings

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recurrent import read_safetensors, write_safetensors  # noqa: E402  (shared struct+json writer)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, 'test', 'fixtures', 'train')

torch.set_num_threads(1)
# SequentialLR calls scheduler.step(0) at its milestones, which warns about the deprecated epoch argument
warnings.filterwarnings('ignore', message='The epoch parameter')


# ----------------------------------------------------------------------------- fixture files
def write_checked(fname, tensors, cases):
    path = os.path.join(OUT_DIR, fname)
    write_safetensors(path, tensors, {'cases': json.dumps(cases, separators=(',', ':'))})
    back, meta = read_safetensors(path)
    assert len(back) == len(tensors), fname
    for k, v in tensors:
        assert torch.equal(back[k], v.detach().reshape(back[k].shape)), (fname, k)
    assert json.loads(meta['cases']) == cases
    print(f'{fname:24s} {len(cases):3d} cases {os.path.getsize(path):8d} B')


# ----------------------------------------------------------------------------- losses
def loss_cases():
    """(name, fn, options, make_inputs(gen) -> dict) — options use gated's camelCase names."""
    def ce_inputs(N, C, extra=(), scale=2.0, ignore=(), ignore_index=-100, weight=False, extreme=False):
        def make(g):
            x = torch.randn(N, C, *extra, generator=g) * scale
            if extreme:
                x = torch.where(torch.rand(x.shape, generator=g) < 0.5, -50.0, 50.0) + torch.randn(x.shape, generator=g)
            t = torch.randint(0, C, (N, *extra), generator=g)
            flat = t.view(-1)
            for i in ignore:
                flat[i] = ignore_index
            d = {'input': x, 'target': t}
            if weight:
                d['weight'] = torch.rand(C, generator=g) + 0.25
            return d
        return make

    def ce_unbatched(C):
        def make(g):
            return {'input': torch.randn(C, generator=g) * 2, 'target': torch.randint(0, C, (), generator=g)}
        return make

    def dense(shape, target='normal', extreme=False, pos_weight=None, weight=None):
        def make(g):
            x = torch.randn(*shape, generator=g) * 2
            if extreme:
                x = torch.where(torch.rand(shape, generator=g) < 0.5, -50.0, 50.0) + torch.randn(*shape, generator=g)
            if target == 'normal':
                t = torch.randn(*shape, generator=g)
            elif target == 'binary':
                t = (torch.rand(*shape, generator=g) < 0.5).float()
            else:
                t = torch.rand(*shape, generator=g)
            d = {'input': x, 'target': t}
            if pos_weight is not None:
                d['posWeight'] = torch.rand(*pos_weight, generator=g) * 3 + 0.2
            if weight is not None:
                d['weight'] = torch.rand(*weight, generator=g) + 0.5
            return d
        return make

    def logits(shape, extreme=False):
        def make(g):
            x = torch.randn(*shape, generator=g) * 3
            if extreme:
                x[0] = torch.tensor([60.0, -60.0, 0.0, 59.0, -1000.0])[:shape[-1]]
            return {'input': x}
        return make

    out = []
    for red in ['mean', 'sum', 'none']:
        out.append((f'ce_{red}', 'crossEntropy', {'reduction': red}, ce_inputs(7, 5)))
        out.append((f'ce_ignore_{red}', 'crossEntropy', {'reduction': red}, ce_inputs(7, 5, ignore=(1, 4))))
        out.append((f'ce_smooth_ignore_{red}', 'crossEntropy', {'reduction': red, 'labelSmoothing': 0.2},
                    ce_inputs(7, 5, ignore=(0, 5))))
        out.append((f'ce_weight_smooth_ignore_{red}', 'crossEntropy', {'reduction': red, 'labelSmoothing': 0.15},
                    ce_inputs(8, 4, ignore=(2,), weight=True)))
        out.append((f'ce_extreme_{red}', 'crossEntropy', {'reduction': red, 'labelSmoothing': 0.1},
                    ce_inputs(6, 4, extreme=True, ignore=(3,))))
        out.append((f'mse_{red}', 'mse', {'reduction': red}, dense([4, 3])))
        out.append((f'bce_{red}', 'binaryCrossEntropyWithLogits', {'reduction': red}, dense([5, 3], target='soft')))
        out.append((f'bce_posweight_weight_{red}', 'binaryCrossEntropyWithLogits', {'reduction': red},
                    dense([5, 3], target='soft', pos_weight=[3], weight=[5, 1])))
        out.append((f'bce_extreme_{red}', 'binaryCrossEntropyWithLogits', {'reduction': red},
                    dense([4, 4], target='binary', extreme=True, pos_weight=[4])))
    out += [
        ('ce_smooth_mean', 'crossEntropy', {'labelSmoothing': 0.1}, ce_inputs(6, 5)),
        ('ce_weight_mean', 'crossEntropy', {}, ce_inputs(6, 5, weight=True)),
        ('ce_weight_ignore_mean', 'crossEntropy', {}, ce_inputs(6, 5, weight=True, ignore=(0, 2))),
        ('ce_ignore_valid_class', 'crossEntropy', {'ignoreIndex': 2, 'labelSmoothing': 0.3}, ce_inputs(9, 4)),
        ('ce_all_ignored_sum', 'crossEntropy', {'reduction': 'sum', 'labelSmoothing': 0.1}, ce_inputs(3, 4, ignore=(0, 1, 2))),
        ('ce_extreme_plain', 'crossEntropy', {}, ce_inputs(6, 4, extreme=True)),
        ('ce_unbatched', 'crossEntropy', {'labelSmoothing': 0.1}, ce_unbatched(6)),
        ('ce_spatial', 'crossEntropy', {'labelSmoothing': 0.1}, ce_inputs(2, 4, extra=(3,), weight=True, ignore=(1, 5))),
        ('ce_spatial_none', 'crossEntropy', {'reduction': 'none'}, ce_inputs(2, 3, extra=(2, 2))),
        ('softmax_last', 'softmax', {'axis': -1}, logits([3, 5], extreme=True)),
        ('softmax_axis0', 'softmax', {'axis': 0}, logits([4, 3, 2])),
        ('log_softmax_last', 'logSoftmax', {'axis': -1}, logits([3, 5], extreme=True)),
        ('log_softmax_axis1', 'logSoftmax', {'axis': 1}, logits([2, 4, 3])),
    ]
    return out


def run_loss(fn, options, inp, dtype):
    x = inp['input'].to(dtype).requires_grad_(True)
    t = inp.get('target')
    kw = {}
    if fn == 'crossEntropy':
        if 'weight' in inp:
            kw['weight'] = inp['weight'].to(dtype)
        y = F.cross_entropy(x, t, ignore_index=options.get('ignoreIndex', -100),
                            label_smoothing=options.get('labelSmoothing', 0.0),
                            reduction=options.get('reduction', 'mean'), **kw)
        grads = [x]
    elif fn == 'mse':
        t = t.to(dtype).requires_grad_(True)
        y = F.mse_loss(x, t, reduction=options.get('reduction', 'mean'))
        grads = [x, t]
    elif fn == 'binaryCrossEntropyWithLogits':
        t = t.to(dtype).requires_grad_(True)
        if 'posWeight' in inp:
            kw['pos_weight'] = inp['posWeight'].to(dtype)
        if 'weight' in inp:
            kw['weight'] = inp['weight'].to(dtype)
        y = F.binary_cross_entropy_with_logits(x, t, reduction=options.get('reduction', 'mean'), **kw)
        grads = [x, t]
    elif fn == 'softmax':
        y = torch.softmax(x, options['axis'])
        grads = [x]
    else:
        y = torch.log_softmax(x, options['axis'])
        grads = [x]
    return y, grads


def write_losses():
    tensors, cases = [], []
    for k, (name, fn, options, make) in enumerate(loss_cases()):
        g = torch.Generator().manual_seed(1000 + k)
        inp = make(g)
        y, ins = run_loss(fn, options, inp, torch.float32)
        gy = torch.randn(y.shape, generator=g)
        gr = torch.autograd.grad((y * gy).sum(), ins, allow_unused=True)
        y64, ins64 = run_loss(fn, options, inp, torch.float64)
        gr64 = torch.autograd.grad((y64 * gy.double()).sum(), ins64, allow_unused=True)
        drift = max([0.0] + [(a.double() - b).abs().max().item() for a, b in zip([y, *gr], [y64, *gr64])
                             if a is not None and a.numel() and torch.isfinite(b).all()])
        for key, v in inp.items():
            tensors.append((f'{name}.{key}', v))
        tensors += [(f'{name}.out', y.detach()), (f'{name}.gy', gy), (f'{name}.grad.input', gr[0])]
        if len(gr) > 1:
            tensors.append((f'{name}.grad.target', gr[1]))
        cases.append({'name': name, 'fn': fn, 'options': options, 'float64Drift': float('%.3g' % drift)})
    write_checked('losses.safetensors', tensors, cases)


# ----------------------------------------------------------------------------- optimizers
SHAPES = [[3, 4], [5], [2, 3, 2]]
STEPS = 5

OPTIM_CASES = [
    # name, class, torch kwargs, gated options, {step: [param indices without grad]}
    ('sgd', 'SGD', {'lr': 0.1}, {'lr': 0.1}, {}),
    ('sgd_momentum', 'SGD', {'lr': 0.05, 'momentum': 0.9}, {'lr': 0.05, 'momentum': 0.9}, {}),
    ('sgd_nesterov_wd', 'SGD', {'lr': 0.05, 'momentum': 0.8, 'nesterov': True, 'weight_decay': 0.01},
     {'lr': 0.05, 'momentum': 0.8, 'nesterov': True, 'weightDecay': 0.01}, {}),
    ('sgd_wd', 'SGD', {'lr': 0.1, 'weight_decay': 0.05}, {'lr': 0.1, 'weightDecay': 0.05}, {}),
    ('sgd_dampening', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.5}, {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.5}, {}),
    ('sgd_momentum_skip', 'SGD', {'lr': 0.05, 'momentum': 0.9}, {'lr': 0.05, 'momentum': 0.9}, {1: [1], 2: [1, 2]}),
    ('adam', 'Adam', {'lr': 0.05}, {'lr': 0.05}, {}),
    ('adam_wd', 'Adam', {'lr': 0.05, 'betas': (0.8, 0.99), 'eps': 1e-6, 'weight_decay': 0.1},
     {'lr': 0.05, 'betas': [0.8, 0.99], 'eps': 1e-6, 'weightDecay': 0.1}, {}),
    ('adam_amsgrad_maximize', 'Adam', {'lr': 0.02, 'amsgrad': True, 'maximize': True, 'weight_decay': 0.05},
     {'lr': 0.02, 'amsgrad': True, 'maximize': True, 'weightDecay': 0.05}, {}),
    ('adam_skip', 'Adam', {'lr': 0.05}, {'lr': 0.05}, {0: [2], 3: [0]}),
    ('adamw', 'AdamW', {'lr': 0.05}, {'lr': 0.05}, {}),
    ('adamw_wd_amsgrad', 'AdamW', {'lr': 0.03, 'weight_decay': 0.2, 'amsgrad': True}, {'lr': 0.03, 'weightDecay': 0.2, 'amsgrad': True}, {}),
    ('rmsprop', 'RMSprop', {'lr': 0.01}, {'lr': 0.01}, {}),
    ('rmsprop_momentum', 'RMSprop', {'lr': 0.01, 'momentum': 0.9, 'alpha': 0.9}, {'lr': 0.01, 'momentum': 0.9, 'alpha': 0.9}, {}),
    ('rmsprop_centered_wd', 'RMSprop', {'lr': 0.01, 'centered': True, 'weight_decay': 0.01},
     {'lr': 0.01, 'centered': True, 'weightDecay': 0.01}, {}),
    ('rmsprop_centered_momentum', 'RMSprop', {'lr': 0.005, 'centered': True, 'momentum': 0.5, 'eps': 1e-4},
     {'lr': 0.005, 'centered': True, 'momentum': 0.5, 'eps': 1e-4}, {1: [0]}),
]


def write_optim():
    tensors, cases = [], []
    for k, (name, cls, tkw, gkw, skip) in enumerate(OPTIM_CASES):
        g = torch.Generator().manual_seed(2000 + k)
        params = [torch.randn(*s, generator=g).requires_grad_(True) for s in SHAPES]
        for i, p in enumerate(params):
            tensors.append((f'{name}.p{i}.init', p.detach().clone()))
        opt = getattr(torch.optim, cls)(params, **tkw)
        for s in range(1, STEPS + 1):
            for i, p in enumerate(params):
                if i in skip.get(s - 1, []):
                    p.grad = None
                    continue
                gr = torch.randn(p.shape, generator=g) * (0.5 + i)
                p.grad = gr
                tensors.append((f'{name}.p{i}.grad.{s}', gr.clone()))
            opt.step()
            for i, p in enumerate(params):
                tensors.append((f'{name}.p{i}.after.{s}', p.detach().clone()))
        step_counts = []
        for i, p in enumerate(params):
            st = opt.state.get(p, {})
            step_counts.append(int(st['step']) if 'step' in st else None)
            for key, v in st.items():
                if key != 'step' and isinstance(v, torch.Tensor):
                    tensors.append((f'{name}.state.{i}.{key}', v.detach().clone()))
        cases.append({'name': name, 'optimizer': cls, 'options': gkw, 'shapes': SHAPES, 'steps': STEPS,
                      'stepCounts': step_counts, 'skip': {str(s + 1): v for s, v in skip.items()}})
    write_checked('optim.safetensors', tensors, cases)


# ----------------------------------------------------------------------------- clipping
def write_clip():
    tensors, cases = [], []
    specs = [
        ('norm2_clipped', 'clipGradNorm', {'maxNorm': 1.0, 'normType': 2.0}, []),
        ('norm2_not_clipped', 'clipGradNorm', {'maxNorm': 100.0, 'normType': 2.0}, []),
        ('norm1_clipped', 'clipGradNorm', {'maxNorm': 2.5, 'normType': 1.0}, []),
        ('norm3_clipped_missing', 'clipGradNorm', {'maxNorm': 0.5, 'normType': 3.0}, [1]),
        ('norminf_clipped', 'clipGradNorm', {'maxNorm': 0.7, 'normType': math.inf}, []),
        ('value', 'clipGradValue', {'clipValue': 0.6}, [2]),
    ]
    for k, (name, fn, opts, missing) in enumerate(specs):
        g = torch.Generator().manual_seed(3000 + k)
        params = []
        for i, s in enumerate(SHAPES):
            p = torch.zeros(*s, requires_grad=True)
            if i not in missing:
                p.grad = torch.randn(*s, generator=g) * (1 + i)
                tensors.append((f'{name}.g{i}', p.grad.clone()))
            params.append(p)
        case = {'name': name, 'fn': fn, 'missing': missing}
        if fn == 'clipGradNorm':
            total = torch.nn.utils.clip_grad_norm_(params, opts['maxNorm'], opts['normType'])
            case.update(maxNorm=opts['maxNorm'], normType='inf' if math.isinf(opts['normType']) else opts['normType'],
                        totalNorm=total.item())
        else:
            torch.nn.utils.clip_grad_value_(params, opts['clipValue'])
            case.update(clipValue=opts['clipValue'])
        for i, p in enumerate(params):
            if p.grad is not None:
                tensors.append((f'{name}.clipped.{i}', p.grad.clone()))
        cases.append(case)
    write_checked('clip.safetensors', tensors, cases)


# ----------------------------------------------------------------------------- schedules
def write_schedules():
    S = torch.optim.lr_scheduler

    def seq(base_lr, make, n):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
        sched = make(opt)
        lrs = [sched.get_last_lr()[0]]
        for _ in range(n):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr()[0])
        assert lrs[-1] == opt.param_groups[0]['lr']
        return lrs

    cases = [
        {'name': 'step', 'scheduler': 'StepLR', 'baseLr': 0.1, 'options': {'stepSize': 3, 'gamma': 0.5},
         'lrs': seq(0.1, lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12)},
        {'name': 'step_default_gamma', 'scheduler': 'StepLR', 'baseLr': 1.0, 'options': {'stepSize': 2},
         'lrs': seq(1.0, lambda o: S.StepLR(o, step_size=2), 7)},
        {'name': 'cosine', 'scheduler': 'CosineAnnealingLR', 'baseLr': 0.1, 'options': {'tMax': 10, 'etaMin': 0.001},
         'lrs': seq(0.1, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 25)},
        {'name': 'cosine_eta0', 'scheduler': 'CosineAnnealingLR', 'baseLr': 0.003, 'options': {'tMax': 7},
         'lrs': seq(0.003, lambda o: S.CosineAnnealingLR(o, T_max=7), 9)},
        {'name': 'linear', 'scheduler': 'LinearWarmup', 'baseLr': 0.2,
         'options': {'warmupSteps': 4, 'startFactor': 0.1, 'endFactor': 1.0},
         'lrs': seq(0.2, lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4), 8)},
        {'name': 'linear_default', 'scheduler': 'LinearWarmup', 'baseLr': 0.05, 'options': {},
         'lrs': seq(0.05, lambda o: S.LinearLR(o), 8)},
        {'name': 'linear_decay', 'scheduler': 'LinearWarmup', 'baseLr': 0.05,
         'options': {'warmupSteps': 3, 'startFactor': 1.0, 'endFactor': 0.25},
         'lrs': seq(0.05, lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.25, total_iters=3), 6)},
        {'name': 'warmup_cosine', 'scheduler': 'SequentialLR', 'baseLr': 0.01,
         'options': {'warmup': {'warmupSteps': 3, 'startFactor': 0.01}, 'cosine': {'tMax': 8, 'etaMin': 1e-4},
                     'milestones': [3]},
         'lrs': seq(0.01, lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.01, total_iters=3),
                                                       S.CosineAnnealingLR(o, T_max=8, eta_min=1e-4)], milestones=[3]), 14)},
    ]
    path = os.path.join(OUT_DIR, 'schedules.json')
    with open(path, 'w') as f:
        json.dump(cases, f, indent=1)
        f.write('\n')
    print(f'{"schedules.json":24s} {len(cases):3d} cases {os.path.getsize(path):8d} B')


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    write_losses()
    write_optim()
    write_clip()
    write_schedules()


if __name__ == '__main__':
    main()
