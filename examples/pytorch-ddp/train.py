#!/usr/bin/env python3
"""Trains gated's character language model with PyTorch DistributedDataParallel and writes a gated model directory.

Not a second implementation of gated, a hand-over: the model (Embedding -> GRU/LSTM/RNN stack -> Dropout -> Linear,
names embed.weight, rnn.weight_ih_l0 ..., head.weight, head.bias), config.json, the vocabulary, the train/validation
split, the shuffling and the per-character loss are `gated train`'s, so `gated generate|eval|convert --model OUT` and
`gated train --init OUT` read OUT as it is, and `--init DIR` continues from a directory `gated train` wrote.

  python3 train.py --nproc 2 --out runs/ddp-names                     # this machine: 2 CPU workers (gloo)
  torchrun --nproc_per_node 4 train.py --data corpus.txt --out runs/big  # one machine, 4 GPUs (nccl)
  python3 train.py --init runs/names-gru --data more.txt --out runs/ft   # continue from gated's weights
  python3 train.py --nproc 2 --resume runs/ddp-names --epochs 20       # a stopped run, exactly where it stopped

--batch is the global batch (sequences per optimizer step, as in `gated train`), split across the processes; each
process's loss is scaled so that DDP's gradient average is the gradient of the whole batch's mean loss per character.
See docs/scale.md. Needs PyTorch (>= 1.13) and numpy; nothing else.
"""
import argparse, io, json, math, os, re, socket, struct, sys, time
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

BOUNDARY, IGNORE, M32 = 0, -100, 0xFFFFFFFF
DEFAULTS = dict(cell='gru', hidden=256, layers=2, embed=32, dropout=0.25, epochs=10, batch=32, lr=3e-3, optimizer='adamw',
                weightDecay=0.1, clip=1.0, seed=42, chunk=64, valFraction=0.1, patience=0, schedule='cosine', onNan='error')
ARCH = ('cell', 'embed', 'hidden', 'layers')


# ---- gated's random numbers (src/random.ts: xoshiro128** seeded by splitmix32), so the split and shuffles are gated's

class Rng:
    def __init__(self, seed):
        x, self.s = seed & M32, []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = ((x ^ (x >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            self.s.append(z ^ (z >> 16))
        if not any(self.s):
            self.s[0] = 1

    def next_u32(self):
        s, rotl = self.s, lambda v, k: ((v << k) | (v >> (32 - k))) & M32
        r = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
        s[2] ^= t; s[3] = rotl(s[3], 11)
        return r

    def int(self, n):  # Math.floor(next() * n)
        return int(self.next_u32() / 4294967296 * n)


def shuffle(items, rng):  # Fisher-Yates, as src/train/data.ts
    for i in range(len(items) - 1, 0, -1):
        j = rng.int(i + 1)
        items[i], items[j] = items[j], items[i]
    return items


# ---- data: src/train/data.ts and models/charlm-train.ts's prepare(); batches are time-major [T, B]

def vocab_of(texts):  # sorted like JavaScript's Array.sort (UTF-16 code units); id 0 is the boundary
    return sorted({c for t in texts for c in t}, key=lambda c: c.encode('utf-16-be'))


def encoder(vocab):
    index = {c: i + 1 for i, c in enumerate(vocab)}

    def encode(text):
        for i, c in enumerate(text):
            if c not in index:
                raise SystemExit(f"character {json.dumps(c)} at position {i} of {json.dumps(text[:40])} is not in the model's vocabulary")
        return [index[c] for c in text]
    return encode


def line_batches(lines, batch, rng=None):  # padded: input = boundary + chars, target = chars + boundary
    order = list(range(len(lines)))
    if rng is not None:
        shuffle(order, rng)
    out = []
    for k in range(0, len(order), batch):
        group = [lines[i] for i in order[k:k + batch]]
        T, B = max(len(l) for l in group) + 1, len(group)
        inputs, targets = torch.zeros(T, B, dtype=torch.long), torch.full((T, B), IGNORE, dtype=torch.long)
        for b, l in enumerate(group):
            inputs[1:len(l) + 1, b] = torch.tensor(l, dtype=torch.long)
            targets[:len(l) + 1, b] = torch.tensor(l + [BOUNDARY], dtype=torch.long)
        out.append((inputs, targets))
    return out


def stream_chunks(ids, batch, chunk):  # B tracks of width W, read in chunks of `chunk` steps (truncated BPTT)
    W = (len(ids) - 1) // batch
    if W < 1:
        raise SystemExit(f'stream of {len(ids)} characters is too short for batch size {batch}')
    ids = torch.tensor(ids, dtype=torch.long)
    x = torch.stack([ids[b * W:b * W + W] for b in range(batch)], 1)          # [W, B]
    y = torch.stack([ids[b * W + 1:b * W + W + 1] for b in range(batch)], 1)  # [W, B]
    return [(x[s:s + chunk], y[s:s + chunk]) for s in range(0, W, chunk)]


def read_data(args):
    if args.data is None:  # the shipped names, as gated-cli's datasets.ts reads them
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        lists = [os.path.join(root, 'node_modules', '@stdlib', f'datasets-{s}-first-names-en', 'data', 'names.json') for s in ('female', 'male')]
        if not all(os.path.exists(p) for p in lists):
            raise SystemExit('the names dataset is not installed here (run npm ci in the repository); give --data FILE')
        names = [n for p in lists for n in json.load(open(p, encoding='utf-8'))]
        return 'lines', list(dict.fromkeys(names)), 'names'
    text = open(args.data, encoding='utf-8').read()
    if args.stream:
        return 'stream', text, args.data
    return 'lines', [l for l in re.split(r'\r?\n', text) if l], args.data


def prepare(kind, data, o, encode):
    """Train batches per epoch (a function of gated's shuffling generator), validation batches, all train batches."""
    if kind == 'lines':
        lines = [encode(l) for l in data if l]
        if len(lines) < 2:
            raise SystemExit(f'need at least 2 non-empty lines to train, got {len(lines)}')
        s = shuffle(list(lines), Rng(o['seed'] ^ 0x51AB))
        n_val = math.floor(len(s) * o['valFraction'] + 0.5)  # Math.round
        train, val = s[n_val:], s[:n_val]
        return (lambda rng: line_batches(train, o['batch'], rng)), line_batches(val, o['batch']), line_batches(train, o['batch'])
    ids = encode(data)
    cut = math.floor(len(ids) * (1 - o['valFraction']))
    train, val = ids[:cut], ids[cut:]
    chunks = stream_chunks(train, o['batch'], o['chunk'])
    val_b = max(1, min(o['batch'], len(val) // (o['chunk'] + 1)))
    return (lambda rng: chunks), stream_chunks(val, val_b, o['chunk']), chunks


def bigram_loss(train, val, V):  # src/train/bigram.ts: add-one smoothed counts of (input, target) pairs
    counts = torch.zeros(V * V, dtype=torch.float64)
    for x, y in train:
        m = y != IGNORE
        counts.index_add_(0, x[m] * V + y[m], torch.ones(int(m.sum()), dtype=torch.float64))
    counts = counts.view(V, V)
    p = (counts + 1) / (counts.sum(1, keepdim=True) + V)
    nll, n = 0.0, 0
    for x, y in val:
        m = y != IGNORE
        nll -= p[x[m], y[m]].log().sum().item(); n += int(m.sum())
    return nll / n


# ---- the model: models/charlm.ts

class CharLM(torch.nn.Module):
    def __init__(self, vocabSize, cell, embed, hidden, layers, dropout):
        super().__init__()
        self.embed = torch.nn.Embedding(vocabSize, embed)
        rnn = {'gru': torch.nn.GRU, 'lstm': torch.nn.LSTM, 'rnn': torch.nn.RNN}[cell]
        self.rnn = rnn(embed, hidden, layers, dropout=dropout if layers > 1 else 0.0)
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(hidden, vocabSize)

    def forward(self, ids, state=None):  # ids [T, B] -> logits [T, B, V], state h [L, B, H] (and c for LSTM)
        y, state = self.rnn(self.embed(ids), state)
        return self.head(self.drop(y)), state


# ---- model directories: safetensors written by hand (8-byte little-endian header length, JSON header, raw data)

def read_safetensors(path):
    raw = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', raw[:8])
    out = {}
    for name, info in json.loads(raw[8:8 + n]).items():
        if name == '__metadata__':
            continue
        if info['dtype'] != 'F32':
            raise SystemExit(f'{path}: {name} is {info["dtype"]}, expected F32')
        b, e = info['data_offsets']
        out[name] = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + e]), dtype=torch.float32).reshape(info['shape'])
    return out


def safetensors_bytes(tensors, metadata):
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        b = t.detach().to('cpu', torch.float32).contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b); offset += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    return struct.pack('<Q', len(h)) + h + b''.join(blobs)


def write_atomic(path, data):
    tmp = f'{path}.tmp-{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())
        f.flush(); os.fsync(f.fileno())
    os.replace(tmp, path)


def write_model_dir(out, model, config, metrics):
    os.makedirs(out, exist_ok=True)
    write_atomic(os.path.join(out, 'model.safetensors'), safetensors_bytes(model.state_dict(), {'format': 'pt'}))
    write_atomic(os.path.join(out, 'config.json'), json.dumps(config, indent=2, ensure_ascii=False) + '\n')
    write_atomic(os.path.join(out, 'metrics.json'), json.dumps(metrics, indent=2) + '\n')


def read_model_dir(d):
    """config.json and the weights of a gated directory (from `gated train` or this script); optimizer state is not read."""
    config = json.load(open(os.path.join(d, 'config.json'), encoding='utf-8'))
    if config.get('format') != 'gated-charlm':
        raise SystemExit(f"{d}/config.json: not a gated character model (format {config.get('format')!r}, expected 'gated-charlm')")
    return config, read_safetensors(os.path.join(d, 'model.safetensors'))


# ---- one process of the distributed run

def evaluate(model, batches, stream, rank, world, device):
    """Mean loss per character over `batches`, split across the processes (lines: by batch; streams: by track)."""
    model.eval()
    nll, n, state = 0.0, 0, None
    with torch.no_grad():
        for i, (x, y) in enumerate(batches):
            if stream:
                lo, hi = rank * x.shape[1] // world, (rank + 1) * x.shape[1] // world
                x, y = x[:, lo:hi], y[:, lo:hi]
            elif i % world != rank:
                continue
            if x.shape[1] == 0:
                continue
            logits, st = model(x.to(device), state if stream else None)
            state = st
            nll += F.cross_entropy(logits.flatten(0, 1), y.to(device).flatten(), ignore_index=IGNORE, reduction='sum').item()
            n += int((y != IGNORE).sum())
    model.train()
    total = torch.tensor([nll, n], dtype=torch.float64, device=device)
    dist.all_reduce(total)
    return (total[0] / total[1]).item()


def sample(model, vocab, rng, max_length=32, stream=False, prompt=''):
    model.eval()
    encode, device = encoder(vocab), next(model.parameters()).device
    ids, out = [BOUNDARY] + encode(prompt), prompt
    with torch.no_grad():
        logits, state = model(torch.tensor(ids, device=device).view(-1, 1))
        for _ in range(max_length):
            nxt = torch.multinomial(logits[-1, 0].softmax(-1).cpu(), 1, generator=rng).item()
            if nxt == BOUNDARY and not stream:
                break
            out += vocab[nxt - 1] if nxt else ''
            logits, state = model(torch.tensor([[nxt]], device=device), state)
    model.train()
    return out


def worker(rank, world, args):
    local = int(os.environ.get('LOCAL_RANK', rank))
    cuda = args.device == 'cuda' or (args.device == 'auto' and torch.cuda.is_available())
    device = torch.device(f'cuda:{local}' if cuda else 'cpu')
    if cuda:
        torch.cuda.set_device(device)
    else:  # share the cores instead of every process using all of them
        torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // int(os.environ.get('LOCAL_WORLD_SIZE', world))))
    dist.init_process_group('nccl' if cuda else 'gloo', rank=rank, world_size=world)
    say = (lambda *a: print(*a, flush=True)) if rank == 0 else (lambda *a: None)

    saved = read_model_dir(args.resume)[0] if args.resume else None  # parse() has pointed args.data at its data
    given = {k: v for k, v in vars(args).items() if k in DEFAULTS and v is not None}
    # as gated: the default weight decay belongs to the default optimizer; a saved run without one keeps its optimizer's
    decay = {'weightDecay': None} if (saved and 'weightDecay' not in saved['training']) or given.get('optimizer', DEFAULTS['optimizer']) != DEFAULTS['optimizer'] else {}
    o = {**DEFAULTS, **decay, **(saved['training'] if saved else {}), **given}
    kind, data, source = read_data(args)
    init = read_model_dir(args.init) if args.init else None
    if init:  # the architecture and vocabulary are the directory's
        m = init[0]['model']
        for k in ARCH:
            if getattr(args, k) is not None and getattr(args, k) != m[k]:
                raise SystemExit(f'--{k} {getattr(args, k)} differs from {args.init} ({k} {m[k]}); --init keeps the architecture')
            o[k] = m[k]
    vocab = (saved or init[0])['vocab'] if saved or init else vocab_of(data if kind == 'lines' else [data])
    if o['batch'] < world:
        raise SystemExit(f"--batch {o['batch']} is the global batch and must be at least the number of processes ({world})")
    epoch_batches, val_batches, all_train = prepare(kind, data, o, encoder(vocab))
    stream, V = kind == 'stream', len(vocab) + 1

    torch.manual_seed(o['seed'])  # the same initial weights on every rank (DDP also broadcasts rank 0's)
    model = CharLM(V, o['cell'], o['embed'], o['hidden'], o['layers'], o['dropout']).to(device)
    if init:
        model.load_state_dict(init[1], strict=True)
    torch.manual_seed(o['seed'] * 1000 + rank + 1)  # dropout masks differ between ranks
    ddp = DDP(model, device_ids=[local] if cuda else None)
    wd = {} if o.get('weightDecay') is None else {'weight_decay': o['weightDecay']}  # None: the optimizer's own default
    optim = {'adam': lambda p: torch.optim.Adam(p, lr=o['lr'], **wd), 'adamw': lambda p: torch.optim.AdamW(p, lr=o['lr'], **wd),
             'sgd': lambda p: torch.optim.SGD(p, lr=o['lr'], momentum=0.9, **wd),
             'rmsprop': lambda p: torch.optim.RMSprop(p, lr=o['lr'], **wd)}[o['optimizer']](ddp.parameters())
    steps = o['epochs'] * len(epoch_batches(Rng(0)))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=steps, eta_min=o['lr'] / 100) if o['schedule'] == 'cosine' else None
    baseline = bigram_loss(all_train, val_batches, V)
    config = {'format': 'gated-charlm', 'version': 1,
              'model': {'vocabSize': V, 'cell': o['cell'], 'embed': o['embed'], 'hidden': o['hidden'], 'layers': o['layers'], 'dropout': o['dropout']},
              'vocab': vocab, 'data': {'kind': kind, 'source': source}, 'training': o,
              'trainedWith': {'engine': 'pytorch-ddp', 'torch': torch.__version__, 'processes': world,
                              'backend': dist.get_backend(), 'device': device.type, 'init': args.init}}
    size = f'{len(data)} characters' if stream else f'{len(data)} lines'
    metrics, rng, best, stale = [], Rng(o['seed']), math.inf, 0
    if saved:  # trainer.pt: weights, optimizer, schedule, shuffling and dropout generators after the last epoch
        t = torch.load(os.path.join(args.resume, 'trainer.pt'), map_location=device)
        model.load_state_dict(t['model'])
        optim.load_state_dict(t['optimizer'])
        if sched:
            sched.load_state_dict(t['scheduler'])
            sched.T_max = steps  # a new --epochs stretches the schedule, as gated train --resume does
        metrics, rng.s, best, stale = t['metrics'], list(t['shuffleRng']), t['best'], t['stale']
        if len(t['rng']) == world:  # the same dropout masks as an uninterrupted run
            torch.set_rng_state(t['rng'][rank][0].cpu())
            if cuda:
                torch.cuda.set_rng_state(t['rng'][rank][1].cpu(), device)
        config['trainedWith']['init'] = saved['trainedWith'].get('init') if 'trainedWith' in saved else None
    say(f"training on {source} ({size}) with {world} process(es), {dist.get_backend()} on {device.type} → {args.out}"
        + (f' (weights from {args.init}; optimizer state starts fresh)' if init else '')
        + (f' (resuming after epoch {len(metrics)})' if saved else ''))

    for epoch in range(len(metrics) + 1, o['epochs'] + 1):
        t0, state, nll_sum, count_sum = time.time(), None, torch.zeros((), dtype=torch.float64, device=device), 0
        for x, y in epoch_batches(rng):
            count = int((y != IGNORE).sum())  # characters scored in the whole (global) batch
            lo, hi = rank * x.shape[1] // world, (rank + 1) * x.shape[1] // world
            x, y = x[:, lo:hi].to(device), y[:, lo:hi].to(device)
            if x.shape[1] == 0:  # fewer sequences than processes: join the all-reduce with a zero gradient
                x, y = torch.zeros(1, 1, dtype=torch.long, device=device), torch.full((1, 1), IGNORE, device=device)
            optim.zero_grad()
            logits, st = ddp(x, state if stream else None)
            nll = F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=IGNORE, reduction='sum')
            (nll * world / count).backward()  # DDP averages over `world`: the gradient of the global mean per character
            if stream:
                state = tuple(s.detach() for s in st) if isinstance(st, tuple) else st.detach()
            norm = torch.nn.utils.clip_grad_norm_(ddp.parameters(), o['clip'] if o['clip'] > 0 else math.inf)
            if not torch.isfinite(norm):  # the same on every rank: gradients are already all-reduced
                if o['onNan'] == 'skip':
                    continue
                raise SystemExit(f'gradient norm is {norm.item()} at epoch {epoch}; try a lower learning rate (or --on-nan skip)')
            optim.step()
            if sched:
                sched.step()
            nll_sum += nll.detach().double(); count_sum += count
        dist.all_reduce(nll_sum)
        val = evaluate(model, val_batches, stream, rank, world, device)
        metrics.append({'epoch': epoch, 'trainLoss': nll_sum.item() / max(count_sum, 1), 'valLoss': val,
                        'baselineValLoss': baseline, 'seconds': time.time() - t0})
        m = metrics[-1]
        best, stale = (val, 0) if val < best else (best, stale + 1)
        rngs = [None] * world  # every rank's dropout generator, for --resume
        dist.all_gather_object(rngs, [torch.get_rng_state()] + ([torch.cuda.get_rng_state(device)] if cuda else []))
        if rank == 0:
            write_model_dir(args.out, model, config, metrics)
            buf = io.BytesIO()  # one file, written last and atomically: a run killed at any moment resumes from one epoch
            torch.save({'model': model.state_dict(), 'optimizer': optim.state_dict(), 'scheduler': sched.state_dict() if sched else None,
                        'metrics': metrics, 'shuffleRng': rng.s, 'best': best, 'stale': stale, 'rng': rngs}, buf)
            write_atomic(os.path.join(args.out, 'trainer.pt'), buf.getvalue())
            g = torch.Generator().manual_seed(o['seed'] * 1000 + epoch)
            samples = [sample(model, vocab, g, 80 if stream else 32, stream, 'The ' if stream else '') for _ in range(5)]
            say(f"epoch {epoch}: train {m['trainLoss']:.4f}  val {val:.4f}  bigram {baseline:.4f}  (nats/char)  {m['seconds']:.1f}s")
            say('  samples: ' + ' '.join(json.dumps(s, ensure_ascii=False) for s in samples))
        if o['patience'] and stale >= o['patience']:
            say(f"early stop: no improvement for {o['patience']} epochs (best val {best:.4f})")
            break
    dist.barrier()
    say(f'done; model in {args.out}')
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog='Defaults are gated train\'s: ' + ', '.join(f'{k} {v}' for k, v in DEFAULTS.items()))
    p.add_argument('--data', help='UTF-8 text: one example per line, or one stream with --stream [the names gated ships]')
    p.add_argument('--stream', action='store_true', help='treat --data as one continuous text (truncated BPTT)')
    p.add_argument('--cell', choices=['gru', 'lstm', 'rnn'])
    for k in ('hidden', 'layers', 'embed', 'epochs', 'batch', 'chunk', 'patience', 'seed'):
        p.add_argument(f'--{k}', type=int, help='global: sequences per step, split across processes' if k == 'batch' else None)
    for k in ('dropout', 'lr', 'clip'):
        p.add_argument(f'--{k}', type=float)
    p.add_argument('--weight-decay', dest='weightDecay', type=float)
    p.add_argument('--val-fraction', dest='valFraction', type=float)
    p.add_argument('--optimizer', choices=['adam', 'adamw', 'sgd', 'rmsprop'])
    p.add_argument('--schedule', choices=['cosine', 'constant'])
    p.add_argument('--on-nan', dest='onNan', choices=['error', 'skip'])
    p.add_argument('--init', metavar='DIR', help='start from the weights (and vocabulary, architecture) of a gated model directory')
    p.add_argument('--out', metavar='DIR', help='model directory to write (model.safetensors, config.json, metrics.json, and trainer.pt for --resume) [--resume DIR]')
    p.add_argument('--resume', metavar='DIR', help="continue a run of this script from its last epoch (its data and settings; --epochs may raise the total)")
    p.add_argument('--nproc', type=int, default=1, help='processes to start here when not launched by torchrun [1]')
    p.add_argument('--device', choices=['auto', 'cpu', 'cuda'], default='auto', help='cuda (one GPU per process, nccl) or cpu (gloo) [auto]')
    p.add_argument('--threads', type=int, help='CPU threads per process [cores / processes]')
    args = p.parse_args(argv)
    if args.stream and args.data is None:
        p.error('--stream applies to --data FILE')
    if args.resume:
        given = [k for k, v in vars(args).items() if v not in (None, False) and k not in ('resume', 'epochs', 'out', 'nproc', 'device', 'threads')]
        if given:
            p.error(f'--resume continues with the saved settings; it cannot be combined with --{", --".join(given)}')
        if not os.path.exists(os.path.join(args.resume, 'trainer.pt')):
            p.error(f'{args.resume} has no trainer.pt to resume from (a gated train directory? then use --init)')
        data = read_model_dir(args.resume)[0]['data']
        args.data, args.stream, args.out = None if data['source'] == 'names' else data['source'], data['kind'] == 'stream', args.out or args.resume
    elif args.out is None:
        p.error('--out DIR is required')
    return args


def main():
    args = parse(sys.argv[1:])
    if 'RANK' in os.environ and 'WORLD_SIZE' in os.environ:  # started by torchrun (or another launcher)
        worker(int(os.environ['RANK']), int(os.environ['WORLD_SIZE']), args)
        return
    os.environ.setdefault('MASTER_ADDR', '127.0.0.1')
    os.environ.setdefault('MASTER_PORT', str(free_port()))
    if args.nproc == 1:
        worker(0, 1, args)
    else:
        try:
            torch.multiprocessing.spawn(worker, args=(args.nproc, args), nprocs=args.nproc)
        except torch.multiprocessing.ProcessExitedException as e:  # the worker has said why
            sys.exit(e.exit_code or 1)


if __name__ == '__main__':
    main()
