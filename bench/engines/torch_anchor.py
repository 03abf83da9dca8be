# PyTorch anchor in one process: one workload (W1–W4) at a given thread count, the same step as bench/engines/gated.ts.
#   OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/engines/torch_anchor.py W3 2   → one JSON line (EngineResult)
# Inference under torch.no_grad(); a training step is zero_grad, forward, Linear on every step's output, MSE, backward,
# Adam step. Timing: warm-up (≥ 2 calls, ≥ 0.5 s), then the median of N (3 ≤ N ≤ 25 within ~4 s), like bench/_common.ts.
import json, resource, sys, time

import torch

W = {
    'W1': dict(cell='GRU', train=False, T=100, B=1, I=64, H=256, O=0),
    'W2': dict(cell='GRU', train=False, T=100, B=32, I=64, H=256, O=0),
    'W3': dict(cell='GRU', train=True, T=64, B=32, I=64, H=256, O=64),
    'W4': dict(cell='LSTM', train=True, T=64, B=32, I=64, H=256, O=64),
}


def flops(w):
    g = 3 if w['cell'] == 'GRU' else 4
    fwd = 2 * w['T'] * w['B'] * g * w['H'] * (w['I'] + w['H']) + 2 * w['T'] * w['B'] * w['H'] * w['O']
    return 3 * fwd if w['train'] else fwd


def time_it(fn, budget_ms=4000.0):
    t0 = time.perf_counter()
    calls = 0
    while calls < 2 or time.perf_counter() - t0 < 0.5:
        fn()
        calls += 1
    per = (time.perf_counter() - t0) * 1e3 / calls
    n = max(3, min(25, int(budget_ms / per)))
    s = []
    c0 = time.process_time()
    for _ in range(n):
        t = time.perf_counter()
        fn()
        s.append((time.perf_counter() - t) * 1e3)
    cpu = (time.process_time() - c0) * 1e3 / n
    s.sort()
    return s[n // 2], n, cpu


def main():
    wid, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    w = W[wid]
    T, B, I, H, O = w['T'], w['B'], w['I'], w['H'], w['O']
    net = (torch.nn.GRU if w['cell'] == 'GRU' else torch.nn.LSTM)(I, H)
    x = torch.rand(T, B, I) * 2 - 1
    if not w['train']:
        net.eval()

        def step():
            with torch.no_grad():
                net(x)
    else:
        head = torch.nn.Linear(H, O)
        target = torch.rand(T, B, O) * 2 - 1
        opt = torch.optim.Adam(list(net.parameters()) + list(head.parameters()), lr=1e-3)
        loss_fn = torch.nn.MSELoss()

        def step():
            opt.zero_grad()
            out, _ = net(x)
            loss_fn(head(out), target).backward()
            opt.step()

    ms, n, cpu = time_it(step)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    note = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    print(json.dumps(dict(engine='pytorch', threads=threads, workload=wid, medianMs=ms, samples=n, cpuMs=cpu,
                          gflops=flops(w) / ms / 1e6, peakRssMB=rss, note=note)))


if __name__ == '__main__':
    main()
