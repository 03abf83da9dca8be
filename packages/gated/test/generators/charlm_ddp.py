#!/usr/bin/env python3
"""Fixtures for the PyTorch <-> gated hand-over of the character LM (docs/scale.md), tested without Python in CI.

PyTorch -> gated: runs examples/pytorch-ddp/train.py with 2 gloo processes on CPU (`--nproc 2`) on a small training
file, commits the model directory it writes, and PyTorch's logits and per-character losses on a fixed text.
gated -> PyTorch: a directory written by `gated train` (made once with the CLI if absent, then committed) is loaded
into the script's PyTorch model, which writes its logits and losses on the same text; the script's `--init` is run
on it for one epoch with 2 processes to check the continuation at scale starts. It also checks that the script's
`--resume` reaches the weights of an uninterrupted run byte for byte.

Usage (from the repository root): /usr/bin/python3 packages/gated/test/generators/charlm_ddp.py
Output: packages/gated/test/fixtures/charlm/ (read by test/models/charlm-pytorch.test.ts and the CLI's pytorch test).
"""
import json, os, shutil, subprocess, sys, tempfile
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
FIX = os.path.join(ROOT, 'packages', 'gated', 'test', 'fixtures', 'charlm')
SCRIPT = os.path.join(ROOT, 'examples', 'pytorch-ddp', 'train.py')
sys.path.insert(0, os.path.dirname(SCRIPT))
import train as ddp  # noqa: E402  (the example itself: its model, safetensors and gated's data rules)

STDLIB = os.path.join(ROOT, 'node_modules', '@stdlib')
TINY = ['--hidden', '16', '--embed', '8', '--epochs', '2', '--seed', '7']
ONE_THREAD = ['--threads', '1']  # the script's own flag: 2 processes on 2 cores
CASES = [  # name, how it is made, training file, text scored
    ('ddp-gru', 'pytorch', 'names-small.txt', 'eval-names.txt', ['--cell', 'gru', '--layers', '2', '--batch', '16', '--dropout', '0.1']),
    ('ddp-lstm-stream', 'pytorch', 'stream.txt', 'eval-stream.txt', ['--stream', '--cell', 'lstm', '--layers', '1', '--batch', '4', '--chunk', '24', '--dropout', '0']),
    ('gated-gru', 'gated', 'names-small.txt', 'eval-names.txt', ['--cell', 'gru', '--layers', '2', '--batch', '16', '--dropout', '0.1']),
]


def write_texts():
    names = [n for s in ('female', 'male') for n in json.load(open(f'{STDLIB}/datasets-{s}-first-names-en/data/names.json'))]
    names = list(dict.fromkeys(names))
    train = names[::28]
    vocab = set(''.join(train))
    held = [n for n in names[13::97] if n not in train and set(n) <= vocab][:12]
    chapter = lambda k: json.load(open(f'{STDLIB}/datasets-moby-dick/data/chapter_{k}.json'))['text']
    stream = chapter(1)[:6000]
    scored = ''.join(c for c in chapter(2)[:400] if c in set(stream))
    for name, text in [('names-small.txt', '\n'.join(train) + '\n'), ('eval-names.txt', '\n'.join(held) + '\n'),
                       ('stream.txt', stream), ('eval-stream.txt', scored)]:
        open(os.path.join(FIX, name), 'w', encoding='utf-8').write(text)


def reference(model_dir, text_file):
    """PyTorch's logits [N, V] and losses [N] on the text, scored as `gated eval` scores it, and their mean."""
    config, weights = ddp.read_model_dir(model_dir)
    model = ddp.CharLM(**config['model'])
    model.load_state_dict(weights, strict=True)
    model.eval()
    encode, text = ddp.encoder(config['vocab']), open(text_file, encoding='utf-8').read()
    if config['data']['kind'] == 'stream':  # one track: inputs ids[:-1], targets ids[1:], the state carried throughout
        ids = encode(text)
        pieces = [(ids[:-1], ids[1:])]
    else:  # each line alone: input = boundary + chars, target = chars + boundary
        pieces = [([ddp.BOUNDARY] + encode(l), encode(l) + [ddp.BOUNDARY]) for l in text.split('\n') if l]
    logits, nll = [], []
    with torch.no_grad():
        for x, y in pieces:
            z, _ = model(torch.tensor(x).view(-1, 1))
            logits.append(z[:, 0]); nll.append(F.cross_entropy(z[:, 0], torch.tensor(y), reduction='none'))
    logits, nll = torch.cat(logits), torch.cat(nll)
    loss = nll.double().mean().item()
    meta = {'text': os.path.basename(text_file), 'pieces': json.dumps([len(x) for x, _ in pieces]), 'loss': repr(loss),
            'torch': torch.__version__}
    return {'logits': logits, 'nll': nll}, meta, loss


def main():
    os.makedirs(FIX, exist_ok=True)
    write_texts()
    for name, maker, data, text, args in CASES:
        out = os.path.join(FIX, name)
        if maker == 'pytorch':
            subprocess.run([sys.executable, SCRIPT, '--nproc', '2', '--data', os.path.join(FIX, data), '--out', out, *TINY, *ONE_THREAD, *args], check=True)
            os.remove(os.path.join(out, 'trainer.pt'))  # the script's own resume state (a pickle): gated never reads it
        elif not os.path.exists(os.path.join(out, 'model.safetensors')):  # made once by gated, then committed
            subprocess.run(['node', '--import', 'tsx', 'src/cli/main.ts', 'train', '--data', os.path.join(FIX, data), '--out', out, *TINY, *args],
                           cwd=os.path.join(ROOT, 'packages', 'cli'), check=True)
            shutil.rmtree(os.path.join(out, 'previous'))  # the checkpoint before the last: not needed to read it
        tensors, meta, loss = reference(out, os.path.join(FIX, text))
        ddp.write_atomic(os.path.join(FIX, f'{name}.reference.safetensors'), ddp.safetensors_bytes(tensors, meta))
        print(f'{name}: {tensors["nll"].numel()} positions scored, PyTorch loss {loss:.6f} nats/char')
        if name == 'ddp-gru':  # --resume: 1 epoch + 2 resumed = 3 epochs uninterrupted, byte for byte (constant lr)
            with tempfile.TemporaryDirectory() as tmp:
                same = ['--nproc', '2', '--data', os.path.join(FIX, data), *TINY, *ONE_THREAD, *args, '--schedule', 'constant']
                subprocess.run([sys.executable, SCRIPT, *same, '--epochs', '3', '--out', f'{tmp}/full'], check=True)
                subprocess.run([sys.executable, SCRIPT, *same, '--epochs', '1', '--out', f'{tmp}/part'], check=True)
                subprocess.run([sys.executable, SCRIPT, '--nproc', '2', *ONE_THREAD, '--resume', f'{tmp}/part', '--epochs', '3'], check=True)
                assert open(f'{tmp}/full/model.safetensors', 'rb').read() == open(f'{tmp}/part/model.safetensors', 'rb').read()
        if maker == 'gated':  # continued training at scale starts from gated's weights
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run([sys.executable, SCRIPT, '--nproc', '2', '--init', out, '--data', os.path.join(FIX, data),
                                '--epochs', '1', '--batch', '16', *ONE_THREAD, '--out', tmp], check=True)
                a, b = (json.load(open(os.path.join(d, 'config.json'))) for d in (tmp, out))
                assert all(a['model'][k] == b['model'][k] for k in ('vocabSize', *ddp.ARCH)) and a['vocab'] == b['vocab']


if __name__ == '__main__':
    main()
