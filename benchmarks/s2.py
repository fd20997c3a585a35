"""Two-point correlation: microvae_nb against PyMKS, PoreSpy (and MCRpy when installed), in one process.

Run by hand in an environment that has the peers (they are not requirements of the package):

    python -m venv /tmp/peers && . /tmp/peers/bin/activate
    pip install torch==2.13.0 && pip install -e . && pip install pymks porespy pyarrow "setuptools<81"
    python benchmarks/s2.py

Prints one table: seconds per call (best of repeats, robust to a busy machine) and the speed-up of microvae_nb over each peer, plus the
largest difference between our periodic S2 and PyMKS's.
"""
import argparse, importlib, time, warnings

import numpy as np
import torch

from microvae_nb.data import crops, gaussian_random_field, load_microstructure
from microvae_nb.metrics import two_point_correlation

warnings.filterwarnings('ignore')


def timed(f, repeats):
    "Best wall time of `repeats` calls of f (after one warm-up call), and the last result."
    out = f(); times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); out = f(); times.append(time.perf_counter() - t0)
    return min(times), out


def cases():
    "The benchmark cases: name, batch of 0/1 indicator images (uint8)."
    alloy = (load_microstructure('alloy') == 1).astype(np.uint8)
    yield '(a) 1 x 256^2', alloy[None]
    yield '(b) 1000 x 64^2', crops(alloy, 64, n=1000, seed=0)
    yield '(c) 16 x 64^2', crops(alloy, 64)
    yield '(d) 8 x 64^3', gaussian_random_field((64, 64, 64), 3, n=8, seed=0)


def ours(x, cutoff, device):
    "microvae_nb, windowed like PyMKS's default cutoff, NumPy in and out."
    if device == 'cpu': return lambda: two_point_correlation(x, limit_to=cutoff + 1, ndim=x.ndim - 1)
    xt = torch.as_tensor(x, device=device)
    def run():
        s2 = two_point_correlation(xt, limit_to=cutoff + 1, ndim=x.ndim - 1); torch.cuda.synchronize(); return s2.cpu().numpy()
    return run


def peers():
    "Available peers: name -> function(batch) returning its S2 (or None when it has no comparable output)."
    found = {}
    try:
        from pymks import two_point_stats
        found['PyMKS'] = lambda x: np.asarray(two_point_stats(x, x, periodic_boundary=True))
    except ImportError: pass
    try:
        import porespy
        found['PoreSpy'] = lambda x: [porespy.metrics.two_point_correlation(im) for im in x]
    except ImportError: pass
    try:
        importlib.import_module('mcrpy')
        from mcrpy.descriptors.FFTCorrelations import FFTCorrelations
        def mcrpy_s2(x):
            f = FFTCorrelations.make_singlephase_descriptor(desired_shape_2d=x.shape[1:], limit_to=min(x.shape[1:])//2)
            return [f(im.astype(np.float64)) for im in x]
        found['MCRpy'] = mcrpy_s2
    except Exception: pass
    return found


def main(repeats, device):
    torch.set_num_threads(torch.get_num_threads())
    available = peers()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, device {device}; peers: {", ".join(available) or "none"}\n')
    header = f'{"case":18} {"microvae_nb s":>14}' + ''.join(f' {p + " s":>12} {"ratio":>7}' for p in available) + f' {"max |ours - PyMKS|":>20}'
    print(header); print('-'*len(header))
    for name, x in cases():
        cutoff = (min(x.shape[1:]) - 1)//2
        t_ours, s2 = timed(ours(x, cutoff, device), repeats)
        row, diff = f'{name:18} {t_ours:14.5f}', ''
        for peer, f in available.items():
            t_peer, ref = timed(lambda: f(x), max(1, repeats//3) if len(x) > 100 else repeats)
            row += f' {t_peer:12.4f} {t_peer/t_ours:6.1f}x'
            if peer == 'PyMKS': diff = f'{np.abs(s2 - ref).max():20.2e}'
        print(row + diff, flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeats', type=int, default=5, help="timed calls per case (best reported)")
    ap.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    args = ap.parse_args()
    main(args.repeats, args.device)
