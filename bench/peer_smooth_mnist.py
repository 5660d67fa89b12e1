#!/usr/bin/python3
"""PyTorch-eager peer of Scalpel's smooth-MNIST training step (CPU), for step-time comparison.

Same model and step as scalpel-djl's StepBench: MLP 784-256-128-10 (ReLU), batch 256, Adam lr 3e-4,
main loss cross-entropy, auxiliary loss log prod_l sigma(W_l)^2 = sum_l 2 log sigma_l with ONE power
iteration per step on persistent vectors (gradient 2 u v^T / sigma, through autograd of u^T W v).

Methods:
  mixed-usual  one backward of L_main + lambda * L_aux, then Adam           (the usual way)
  bloop        main backward, aux backward, EMA update, two dots, projection, Adam
  pcgrad, dynamic-barrier, mixed  the same two-gradient path with their formulas

Usage: bench/peer_smooth_mnist.py [--threads N] [--steps N] [--warmup N] [--methods a,b] [--data DIR]
With --data DIR holding train-images-idx3-ubyte and train-labels-idx1-ubyte (optionally .gz), batches come
from real MNIST; otherwise from a fixed random tensor (step time does not depend on the values).
Prints one markdown table row per method: median and mean ms/step over the timed steps.
Needs Debian's python3-torch (apt-get install python3-torch).
"""
import argparse, gzip, os, statistics, struct, sys, time

import torch
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def load(data_dir):
    if data_dir:
        for suffix in ("", ".gz"):
            xi = os.path.join(data_dir, "train-images-idx3-ubyte" + suffix)
            yi = os.path.join(data_dir, "train-labels-idx1-ubyte" + suffix)
            if os.path.exists(xi) and os.path.exists(yi):
                x = read_idx(xi).reshape(-1, 784).float() / 255.0
                return (x - 0.1307) / 0.3081, read_idx(yi).long(), "MNIST " + data_dir
        sys.exit("no idx files in " + data_dir)
    g = torch.Generator().manual_seed(0)
    return torch.randn(60000, 784, generator=g), torch.randint(0, 10, (60000,), generator=g), "random"


class Smooth:
    def __init__(self, weights):
        g = torch.Generator().manual_seed(1)
        self.u = [F.normalize(torch.randn(w.shape[0], generator=g), dim=0) for w in weights]
        self.v = [F.normalize(torch.randn(w.shape[1], generator=g), dim=0) for w in weights]

    def loss(self, weights):
        total = 0.0
        for i, w in enumerate(weights):
            with torch.no_grad():
                self.v[i] = F.normalize(w.t() @ self.u[i], dim=0)
                self.u[i] = F.normalize(w @ self.v[i], dim=0)
            sigma = self.u[i] @ (w @ self.v[i])
            total = total + 2.0 * torch.log(sigma)
        return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--lam", type=float, default=0.01)
    ap.add_argument("--methods", default="mixed-usual,mixed,bloop,pcgrad,dynamic-barrier")
    ap.add_argument("--data", default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x_all, y_all, source = load(a.data)
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, data {source}, "
          f"lambda {a.lam}, {a.steps} timed steps after {a.warmup} warm-up", file=sys.stderr)
    print("| method | median ms/step | mean ms/step |")
    print("|---|---|---|")
    for method in a.methods.split(","):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                    torch.nn.ReLU(), torch.nn.Linear(128, 10))
        params = list(model.parameters())
        weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
        opt = torch.optim.Adam(params, lr=3e-4)
        smooth = Smooth(weights)
        rho = 0.01 if method == "bloop" else 1.0
        ema_m = [torch.zeros_like(p) for p in params]
        ema_a = [torch.zeros_like(p) for p in params]
        times = []
        n = x_all.shape[0]
        for step in range(a.warmup + a.steps):
            lo = (step * 256) % (n - 256)
            xb, yb = x_all[lo:lo + 256], y_all[lo:lo + 256]
            t0 = time.perf_counter()
            if method == "mixed-usual":
                opt.zero_grad(set_to_none=False)
                loss = F.cross_entropy(model(xb), yb) + a.lam * smooth.loss(weights)
                loss.backward()
                opt.step()
            else:
                gm = torch.autograd.grad(F.cross_entropy(model(xb), yb), params)
                ga = torch.autograd.grad(smooth.loss(weights), params, allow_unused=True)
                ga = [torch.zeros_like(p) if h is None else h for p, h in zip(params, ga)]
                with torch.no_grad():
                    lam = a.lam
                    if method == "mixed":
                        d = [g + lam * h for g, h in zip(gm, ga)]
                    else:
                        for e, g in zip(ema_m, gm):
                            e.mul_(1 - rho).add_(g, alpha=rho)
                        ee = sum(torch.dot(e.flatten(), e.flatten()) for e in ema_m)
                        ea = sum(torch.dot(e.flatten(), h.flatten()) for e, h in zip(ema_m, ga))
                        r = ea / (ee + 1e-7)
                        if method == "dynamic-barrier":
                            r = torch.clamp(r, max=1.0 / lam)
                        if method == "pcgrad":
                            for e, h in zip(ema_a, ga):
                                e.mul_(1 - rho).add_(h, alpha=rho)
                            aa = sum(torch.dot(e.flatten(), e.flatten()) for e in ema_a)
                            am = sum(torch.dot(e.flatten(), g.flatten()) for e, g in zip(ema_a, gm))
                            r1 = torch.clamp(r, max=0.0)
                            r2 = torch.clamp(am / (aa + 1e-7), max=0.0)
                            d = [(g - r2 * f) + lam * (h - r1 * e) for g, h, e, f in zip(gm, ga, ema_m, ema_a)]
                        else:
                            d = [g + lam * (h - r * e) for g, h, e in zip(gm, ga, ema_m)]
                    for p, di in zip(params, d):
                        p.grad = di
                opt.step()
            if step >= a.warmup:
                times.append((time.perf_counter() - t0) * 1e3)
        print(f"| {method} | {statistics.median(times):.3f} | {statistics.mean(times):.3f} |", flush=True)


if __name__ == "__main__":
    main()
