#!/usr/bin/env python3
"""Checks that a model saved by `gated train` is a PyTorch model: rebuilds Embedding -> GRU/LSTM/RNN -> Linear
in PyTorch from config.json, loads model.safetensors into it (strict state_dict load, PyTorch names), and compares
the next-character log-probabilities of a few prompts with gated's own to 1e-4.

Usage: /usr/bin/python3 test/generators/charlm_pytorch_check.py MODEL_DIR [PROMPT ...]
Needs Debian's python3-torch and Node (runs test/generators/lm_logprobs.ts). Not part of CI.
"""
import json, os, struct, subprocess, sys
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        assert info['dtype'] == 'F32', (name, info['dtype'])
        b, e = info['data_offsets']
        t = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + e]), dtype=torch.float32)
        out[name] = t.reshape(info['shape']) if info['shape'] else t.reshape(())
    return out


class CharLM(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.embed = torch.nn.Embedding(m['vocabSize'], m['embed'])
        cls = {'gru': torch.nn.GRU, 'lstm': torch.nn.LSTM, 'rnn': torch.nn.RNN}[m['cell']]
        self.rnn = cls(m['embed'], m['hidden'], m['layers'])
        self.head = torch.nn.Linear(m['hidden'], m['vocabSize'])

    def forward(self, ids):
        y, _ = self.rnn(self.embed(ids).unsqueeze(1))
        return torch.log_softmax(self.head(y.squeeze(1)), dim=-1)


def main():
    model_dir = sys.argv[1]
    prompts = sys.argv[2:] or ['', 'Ann', 'Christo', 'Zy']
    config = json.load(open(os.path.join(model_dir, 'config.json')))
    model = CharLM(config['model'])
    model.load_state_dict(read_safetensors(os.path.join(model_dir, 'model.safetensors')), strict=True)
    model.eval()
    ours = json.loads(subprocess.check_output(
        ['node', '--import', 'tsx', os.path.join(ROOT, 'test/generators/lm_logprobs.ts'), model_dir, *prompts], cwd=ROOT))
    worst = 0.0
    for case in ours:
        with torch.no_grad():
            ref = model(torch.tensor(case['ids'], dtype=torch.long)).flatten()
        diff = (ref - torch.tensor(case['logprobs'])).abs().max().item()
        worst = max(worst, diff)
        print(f"prompt {case['prompt']!r:12} positions {len(case['ids'])}  max |Δ log p| = {diff:.2e}")
    print(f'worst {worst:.2e} ->', 'OK' if worst <= 1e-4 else 'MISMATCH')
    sys.exit(0 if worst <= 1e-4 else 1)


if __name__ == '__main__':
    main()
