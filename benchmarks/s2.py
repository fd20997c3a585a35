"""Two-point correlation: microvae_nb against PyMKS, PoreSpy (and MCRpy when installed), in one process.

Run by hand in an environment that has the peers (they are not requirements of the package):

    python -m venv /tmp/peers && . /tmp/peers/bin/activate
    pip install torch==2.13.0 && pip install -e . && pip install pymks porespy pyarrow "setuptools<81" mcrpy
    python benchmarks/s2.py

(mcrpy brings TensorFlow; leave it out and the MCRpy columns are skipped.)

Prints one table: seconds per call (best of repeats, robust to a busy machine) and the speed-up of microvae_nb over each peer, plus the
largest difference between our periodic S2 and each peer's that is comparable entry by entry.
"""
import argparse, os, warnings

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')

import numpy as np
import torch

from microvae_nb.data import crops, gaussian_random_field, load_microstructure
from microvae_nb.metrics import two_point_correlation
from common import best_time

warnings.filterwarnings('ignore')


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
    """Available peers: name -> (function(batch) -> its S2, whether that S2 is comparable to ours entry by entry).

    PyMKS returns the centred periodic map (window of its default cutoff, the same as ours); MCRpy the centred
    periodic window of one 2D image at a time; PoreSpy a radial profile of one image at a time (timed only)."""
    found = {}
    try:
        from pymks import two_point_stats
        found['PyMKS'] = (lambda x: np.asarray(two_point_stats(x, x, periodic_boundary=True)), True)
    except ImportError: pass
    try:
        import porespy
        found['PoreSpy'] = (lambda x: [porespy.metrics.two_point_correlation(im) for im in x], False)
    except ImportError: pass
    try:
        from mcrpy.descriptors.FFTCorrelations import FFTCorrelations
        import tensorflow as tf, logging
        tf.get_logger().setLevel('ERROR'); logging.getLogger().setLevel(logging.ERROR)
        def mcrpy_s2(x):
            if x.ndim != 3: return None                       # FFTCorrelations is 2D; MCRpy's 3D path differs
            f = FFTCorrelations.make_singlephase_descriptor(desired_shape_2d=x.shape[1:], limit_to=(min(x.shape[1:]) - 1)//2 + 1)
            return np.stack([f(im.astype(np.float64)).numpy() for im in x])
        found['MCRpy'] = (mcrpy_s2, True)
    except ImportError: pass
    return found


def main(repeats, device):
    available = peers()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, device {device}; peers: {", ".join(available) or "none"}\n')
    header = (f'{"case":18} {"microvae_nb s":>14}' + ''.join(f' {p + " s":>12} {"ratio":>7}' for p in available)
              + ''.join(f' {"max|ours-" + p + "|":>17}' for p, (_, comparable) in available.items() if comparable))
    print(header); print('-'*len(header))
    for name, x in cases():
        cutoff = (min(x.shape[1:]) - 1)//2
        t_ours, s2 = best_time(ours(x, cutoff, device), repeats)
        row, diffs = f'{name:18} {t_ours:14.5f}', ''
        for peer, (f, comparable) in available.items():
            if f(x) is None: row += f' {"n/a":>12} {"":>7}'; diffs += f' {"n/a":>17}' if comparable else ''; continue
            t_peer, ref = best_time(lambda: f(x), max(1, repeats//3) if len(x) > 100 else repeats)
            row += f' {t_peer:12.4f} {t_peer/t_ours:6.1f}x'
            if comparable: diffs += f' {np.abs(s2 - ref).max():17.2e}'
        print(row + diffs, flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeats', type=int, default=5, help="timed calls per case (best reported)")
    ap.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    args = ap.parse_args()
    main(args.repeats, args.device)
