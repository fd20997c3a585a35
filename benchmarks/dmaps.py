"""Diffusion maps on the swiss roll: microvae_nb against datafold, pydiffmap and scikit-learn, in one process.

Run by hand in an environment that has the peers (they pin old NumPy/scikit-learn, so keep them apart):

    python -m venv /tmp/dmaps && . /tmp/dmaps/bin/activate
    pip install torch==2.13.0 && pip install datafold pydiffmap && pip install --no-deps -e .
    python benchmarks/dmaps.py --sizes 1000 5000 20000 100000

All methods get the same kernel: exp(-d^2/eps) with eps from microvae_nb's sparse heuristic (eps = r_64^2/9, r_64
the median distance to the 64th neighbour), alpha = 1, 10 eigenpairs. datafold's kernel is exp(-d^2/(2 eps')) and
pydiffmap's exp(-d^2/(4 eps')), so they receive eps/2 and eps/4; datafold gets our cut-off radius 3 sqrt(eps),
pydiffmap its k = 64 nearest neighbours. scikit-learn's SpectralEmbedding (binary 64-neighbour graph, normalised
Laplacian) is a different operator: timed, not compared. Peak memory is the tracemalloc peak (NumPy/SciPy arrays).
Agreement: largest eigenvalue difference, and the largest RMS difference of the eigenvectors (unit RMS, sign
aligned) over the eigenpairs whose eigenvalue is separated from both neighbours by more than 1 % of the computed
spectrum's spread 1 - lambda_9 (a near-degenerate pair may rotate within its plane in any solver).
"""
import argparse, time, tracemalloc, warnings

import numpy as np

from microvae_nb.data import swiss_roll
from microvae_nb.pca_dmaps import DiffusionMap, epsilon_heuristic

warnings.filterwarnings('ignore')


def measured(f):
    "Wall time (s), tracemalloc peak (MiB) and result of f()."
    tracemalloc.start(); t0 = time.perf_counter()
    out = f()
    dt = time.perf_counter() - t0; peak = tracemalloc.get_traced_memory()[1]/2**20; tracemalloc.stop()
    return dt, peak, out


def unit_rms(vecs): return vecs/np.sqrt((vecs**2).mean(0))


def agreement(vals, vecs, ref_vals, ref_vecs):
    "Largest eigenvalue difference; largest eigenvector RMS difference (unit RMS, sign aligned) over well-separated pairs."
    gaps = np.abs(np.diff(ref_vals)); spread = 1 - ref_vals.min()
    sep = np.minimum(np.r_[np.inf, gaps], np.r_[gaps, np.inf]) > 0.01*spread
    a, b = unit_rms(vecs), unit_rms(ref_vecs)
    a = a*np.sign((a*b).sum(0))
    return np.abs(vals - ref_vals).max(), np.sqrt(((a - b)**2).mean(0))[sep].max() if sep.any() else np.nan


def ours(X, eps):
    dm = DiffusionMap(10, epsilon=eps, method='sparse').fit(X)
    return dm.eigenvalues_, dm.eigenvectors_


def peers(eps):
    found = {}
    try:
        import datafold.dynfold as dfold, datafold.pcfold as pfold
        def run_datafold(X):
            kernel = pfold.GaussianKernel(epsilon=eps/2, distance=dict(cut_off=3*np.sqrt(eps)))
            dm = dfold.DiffusionMaps(kernel, n_eigenpairs=10, alpha=1).fit(X)
            order = np.argsort(dm.eigenvalues_)[::-1]
            return dm.eigenvalues_[order], np.asarray(dm.eigenvectors_)[:, order]
        found['datafold'] = (run_datafold, True)
    except ImportError: pass
    try:
        from pydiffmap import diffusion_map
        def run_pydiffmap(X):
            dm = diffusion_map.DiffusionMap.from_sklearn(n_evecs=9, epsilon=eps/4, alpha=1.0, k=64).fit(X)
            vals = np.r_[1.0, 1 + dm.epsilon_fitted*dm.evals]       # its evals are those of L = (P - I)/eps
            vecs = np.c_[np.ones(len(X)), np.real(dm.evecs)]
            return vals, vecs
        found['pydiffmap'] = (run_pydiffmap, True)
    except ImportError: pass
    try:
        from sklearn.manifold import SpectralEmbedding
        found['sklearn'] = (lambda X: (None, SpectralEmbedding(n_components=10, affinity='nearest_neighbors', n_neighbors=64, random_state=0).fit_transform(X)), False)
    except ImportError: pass
    return found


def main(sizes, peer_limit):
    print(f'{"N":>7} {"method":10} {"time s":>8} {"peak MiB":>9} {"speed-up":>9} {"max |dlambda|":>14} {"max vec RMS diff":>17}')
    for n in sizes:
        X, _ = swiss_roll(n, seed=0)
        eps = epsilon_heuristic(X, 'sparse')
        t_ours, mem, (vals, vecs) = measured(lambda: ours(X, eps))
        print(f'{n:7d} {"microvae_nb":10} {t_ours:8.2f} {mem:9.0f} {"":>9} {"(reference)":>14}   eps={eps:.4f}', flush=True)
        for name, (f, comparable) in peers(eps).items():
            if n > peer_limit.get(name, np.inf): print(f'{n:7d} {name:10} {"skipped (see --peer-limit)":>30}'); continue
            dt, mem, (pv, pvec) = measured(lambda: f(X))
            dl, dv = agreement(pv, pvec, vals, vecs) if comparable else (np.nan, np.nan)
            print(f'{n:7d} {name:10} {dt:8.2f} {mem:9.0f} {dt/t_ours:8.1f}x {dl:14.2e} {dv:17.2e}', flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--sizes', type=int, nargs='+', default=[1000, 5000, 20000, 100000], help='numbers of points')
    ap.add_argument('--peer-limit', nargs='*', default=[], help='name=N: skip a peer above N points, e.g. sklearn=20000')
    args = ap.parse_args()
    main(args.sizes, {k: int(v) for k, v in (s.split('=') for s in args.peer_limit)})
