#!/usr/bin/env python3
"""The measurements of docs/scale.md: the example trained with 1 and 2 processes and `gated train` with the same
settings on this machine (seconds per epoch, validation loss), and each result's validation loss computed by both
engines on the same lines. Writes examples/pytorch-ddp/results.json (every epoch's raw numbers, the machine, the load)
and prints the tables. Needs `npm run build` (it runs gated from packages/cli/dist) and PyTorch.

  /usr/bin/python3 examples/pytorch-ddp/measure.py [--epochs N] [--work DIR]
"""
import argparse, json, os, platform, resource, statistics, subprocess, sys, time
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import train as ddp  # noqa: E402

GATED = ['node', '--max-semi-space-size=64', os.path.join(ROOT, 'packages', 'cli', 'dist', 'cli', 'main.js')]


def cpu_seconds():  # user + system time of finished child processes (and theirs)
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env):
    load, t0, c0 = os.getloadavg()[0], time.time(), cpu_seconds()
    subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, **env})
    return {'command': ' '.join(cmd), 'env': env, 'wallSeconds': time.time() - t0, 'cpuSeconds': cpu_seconds() - c0,
            'loadBefore': load, 'loadAfter': os.getloadavg()[0]}


def val_lines(seed, val_fraction):  # gated train's split of the names (charlm-train.ts prepare), as raw text
    _, names, _ = ddp.read_data(argparse.Namespace(data=None, stream=False))
    s = ddp.shuffle(list(names), ddp.Rng(seed ^ 0x51AB))
    return s[:int(len(s) * val_fraction + 0.5)]


def pytorch_loss(model_dir, lines):
    """Mean loss per character of `lines` (each alone, boundary-framed) by PyTorch, as gated eval scores them."""
    config, weights = ddp.read_model_dir(model_dir)
    model = ddp.CharLM(**config['model'])
    model.load_state_dict(weights, strict=True)
    model.eval()
    encode, nll, n = ddp.encoder(config['vocab']), 0.0, 0
    with torch.no_grad():
        for x, y in ddp.line_batches([encode(l) for l in lines], 64):
            z, _ = model(x)
            nll += F.cross_entropy(z.flatten(0, 1), y.flatten(), ignore_index=ddp.IGNORE, reduction='sum').item()
            n += int((y != ddp.IGNORE).sum())
    return nll / n


# what `gated eval` computes (lines in batches of 64, evaluateLoss), printed in full rather than to 4 decimals
GATED_EVAL = """
const [dir, file] = process.argv.slice(-2);
const { decodeModelDir, loadCharLM, lineBatches, evaluateLoss } = await import(process.env.GATED_DIST + '/index.js');
const { readModelDir, readText } = await import(process.env.GATED_DIST + '/node/index.js');
const { model, vocab } = loadCharLM(decodeModelDir(readModelDir(dir)));
const lines = readText(file).split(/\\r?\\n/).filter((l) => l.length > 0).map((l) => vocab.encode(l));
console.log(evaluateLoss(model, lineBatches(lines, 64)));
"""


def gated_loss(model_dir, text_file):
    env = {**os.environ, 'GATED_DIST': os.path.join(ROOT, 'packages', 'gated', 'dist')}
    full = subprocess.run(['node', '--input-type=module', '-e', GATED_EVAL, model_dir, text_file], check=True, capture_output=True, text=True, env=env).stdout
    printed = subprocess.run(GATED + ['eval', '--model', model_dir, '--data', text_file], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return float(full), printed.strip()


def score(results, val_file, val):
    """Each run's weights scored on the validation lines by PyTorch and by gated."""
    for r in results['runs'].values():
        r.pop('valLossByGatedEval', None)
        r['valLossByPytorch'] = pytorch_loss(r['dir'], val)
        r['valLossByGated'], r['gatedEvalPrints'] = gated_loss(r['dir'], val_file)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--work', default='/tmp/gated-scale')
    p.add_argument('--score-only', action='store_true', help='re-score the directories of the last results.json')
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    # one thread per process: 1 vs 2 processes is then 1 vs 2 cores, and no thread pool spins on a busy machine
    script = [sys.executable, os.path.join(HERE, 'train.py'), '--threads', '1']
    runs = {
        'pytorch-ddp, 1 process': (script + ['--nproc', '1'], {}),
        'pytorch-ddp, 2 processes': (script + ['--nproc', '2'], {}),
        'gated train, 1 thread': (GATED + ['train'], {'GATED_NUM_THREADS': '1'}),
    }
    results = {'machine': {'cpus': os.cpu_count(), 'platform': platform.platform(), 'processor': platform.processor(),
                           'python': platform.python_version(), 'torch': torch.__version__,
                           'node': subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()},
               'settings': {**ddp.DEFAULTS, 'epochs': a.epochs, 'data': 'names'}, 'runs': {}}
    val = val_lines(ddp.DEFAULTS['seed'], ddp.DEFAULTS['valFraction'])
    val_file = os.path.join(a.work, 'val.txt')
    open(val_file, 'w', encoding='utf-8').write('\n'.join(val) + '\n')
    if a.score_only:
        results = json.load(open(os.path.join(HERE, 'results.json')))
    for i, (name, (cmd, env)) in enumerate(runs.items() if not a.score_only else []):
        out = os.path.join(a.work, f'run{i}')
        r = run(cmd + ['--epochs', str(a.epochs), '--out', out], env)
        metrics = json.load(open(os.path.join(out, 'metrics.json')))
        secs = [m['seconds'] for m in metrics]
        r.update(dir=out, epochs=metrics, medianEpochSeconds=statistics.median(secs), finalValLoss=metrics[-1]['valLoss'])
        results['runs'][name] = r
        print(f"{name}: median {r['medianEpochSeconds']:.1f} s/epoch, {r['cpuSeconds'] / len(secs):.1f} CPU s/epoch, val {r['finalValLoss']:.4f}", flush=True)
    score(results, val_file, val)
    json.dump(results, open(os.path.join(HERE, 'results.json'), 'w'), indent=2)

    print(f"\n| run | wall s/epoch (median of {a.epochs}) | CPU s/epoch | final val loss | load avg before → after |\n|---|---|---|---|---|")
    for name, r in results['runs'].items():
        print(f"| {name} | {r['medianEpochSeconds']:.1f} | {r['cpuSeconds'] / len(r['epochs']):.1f} | {r['finalValLoss']:.4f} | {r['loadBefore']:.1f} → {r['loadAfter']:.1f} |")
    print('\n| weights from | val loss by PyTorch | by gated | \\|Δ\\| | `gated eval` prints |\n|---|---|---|---|---|')
    for name, r in results['runs'].items():
        d = abs(r['valLossByPytorch'] - r['valLossByGated'])
        print(f"| {name} | {r['valLossByPytorch']:.7f} | {r['valLossByGated']:.7f} | {d:.1e} | {r['gatedEvalPrints']} |")


if __name__ == '__main__':
    main()
