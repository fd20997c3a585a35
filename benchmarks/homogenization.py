"""FFT homogenization: microvae_nb's solvers against muSpectre, in one process.

Run by hand in an environment that has the peer (not a requirement of the package):

    python -m venv /tmp/mu && . /tmp/mu/bin/activate
    pip install torch==2.13.0 && pip install -e . && pip install muspectre==0.27.0
    python benchmarks/homogenization.py

Random two-phase structures (Gaussian random fields, filter width 2 voxels, volume fraction 0.5), E = 2.4 / 120 GPa
(contrast 50), nu = 0.3, one load case (C11), equilibrium residual 1e-5. For each grid: seconds per solve (best of
`--repeats`, after a warm-up) and iterations of Fourier-Galerkin CG ('cg') and Moulinec-Suquet ('ms') in float64 and
float32, and muSpectre's CG (Fourier derivative; it needs odd grids, so it runs on 255^2 and 51^3 only; its
pixel-by-pixel material assignment is set-up, not timed). C11 of every run is compared with our float64 CG.
Finally the time to label seed 002's 8900 structures of 51^3 on this machine follows from the 51^3 solve.
"""
import argparse

import numpy as np
import torch

from microvae_nb.data import gaussian_random_field
from microvae_nb.mechanics import homogenize
from common import best_time


def ours(phase, solver, dtype, tol):
    m = 3 if phase.ndim == 2 else 6
    def run():
        stress, it = homogenize(phase[None], torch.eye(m)[:1], solver=solver, tol=tol, dtype=dtype, device='cpu', max_iter=5000,
                                ndim=phase.ndim)
        return float(stress[0, 0, 0]), it
    return run


def muspectre(phase, tol):
    "A muSpectre cell for `phase` (set up here) and a function that solves it for C11."
    import muSpectre as msp
    d = phase.ndim
    cell = msp.Cell(list(phase.shape), [1.0]*d, msp.Formulation.small_strain)
    make = (msp.material.MaterialLinearElastic1_2d if d == 2 else msp.material.MaterialLinearElastic1_3d).make
    soft, hard = make(cell, 'soft', 2.4, 0.3), make(cell, 'hard', 120.0, 0.3)
    for i, pixel in cell.pixels.enumerate(): (hard if phase[tuple(pixel)] == 1 else soft).add_pixel(i)
    cell.initialise()
    strain = np.zeros((d, d)); strain[0, 0] = 1.0
    def run():
        krylov = msp.solvers.KrylovSolverCG(cell, tol, 5000, msp.Verbosity.Silent)
        result = msp.solvers.newton_cg(cell, strain, krylov, tol, tol, msp.Verbosity.Silent)
        return float(np.asarray(result.stress).reshape(-1, d*d)[:, 0].mean()), result.nb_fev
    return run


def main(shapes, repeats, tol):
    try: import muSpectre; have_mu = True
    except ImportError: have_mu = False
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; muSpectre {"available" if have_mu else "not installed"}; tol {tol}\n')
    print(f'{"grid":>10} {"method":>16} {"s/solve":>9} {"iters":>6} {"C11 GPa":>12} {"|rel diff|":>11} {"vs muSpectre":>13}')
    results = {}
    for shape in shapes:
        phase = gaussian_random_field(shape, 2.0, vf=0.5, seed=0)[0]
        grid = 'x'.join(map(str, shape))
        runs = {f'cg float64': ours(phase, 'cg', torch.float64, tol), f'cg float32': ours(phase, 'cg', torch.float32, tol),
                f'ms float64': ours(phase, 'ms', torch.float64, tol), f'ms float32': ours(phase, 'ms', torch.float32, tol)}
        if have_mu and all(n % 2 for n in shape): runs['muSpectre cg'] = muspectre(phase, tol)
        timed = {name: best_time(f, repeats if np.prod(shape) < 2e5 else max(1, repeats//2)) for name, f in runs.items()}
        ref = timed['cg float64'][1][0]; mu_t = timed.get('muSpectre cg', (None,))[0]
        for name, (t, (c11, it)) in timed.items():
            ratio = f'{mu_t/t:12.1f}x' if mu_t and name != 'muSpectre cg' else ''
            print(f'{grid:>10} {name:>16} {t:9.3f} {it:6d} {c11:12.6f} {abs(c11/ref - 1):11.1e} {ratio:>13}', flush=True)
        results[shape] = timed
    if (51, 51, 51) in results:
        print('\nlabelling 8900 structures of 51^3 on this CPU (one load case each):')
        for name, (t, _) in results[(51, 51, 51)].items(): print(f'  {name:>16}: {8900*t/60:7.1f} min')


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--shapes', nargs='+', default=['64x64', '255x255', '256x256', '32x32x32', '51x51x51', '64x64x64'], help='grids, e.g. 51x51x51')
    ap.add_argument('--repeats', type=int, default=3, help='timed solves per method (best reported)')
    ap.add_argument('--tol', type=float, default=1e-5, help='equilibrium residual')
    args = ap.parse_args()
    main([tuple(int(v) for v in s.split('x')) for s in args.shapes], args.repeats, args.tol)
