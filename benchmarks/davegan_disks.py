"""DA-VEGAN on a material that is not in the repository: sparse periodic disks (radius 2-5 px, 8 % area, 256^2,
seeded): the paper's settings (`PAPER_SETTINGS`, the command line's default until 03 changed it), the
discriminator candidate of 03 (periodic generator, slower discriminator, reconstruction weight 3e-4, no batch norm on
the logit, R1 gamma 1) and the package's defaults (the candidate with R1 gamma 0.1), 16 crops of 64^2, one thread
each.

    python benchmarks/davegan_disks.py --steps 10000 --out runs/disks   # about 5, 9 and 9 minutes on this CPU

Prints per run: E_rec and E_gen (phase 1 = disks; mean and median over the samples, the real crops' floor), the
samples' disk fraction against the crops', image quality against the crops (boundary density, isolated pixels,
pieces), the mean image's spread against a flat field and its worst border, the share of samples holding a piece
more than twice the largest real one (blobs), and diversity against the data's.
"""
import argparse, json
from pathlib import Path
import numpy as np
from microvae_nb.betavae_gan import PAPER_SETTINGS

VARIANTS = {'paper': PAPER_SETTINGS,
            'candidate': dict(r1_gamma=1.),   # the defaults with 03's first R1 penalty
            'default': {}}


def disks(n=256, fraction=0.08, seed=7):
    "Periodic disks of radius 2-5 px dropped at random until `fraction` of the pixels are covered."
    rng, (yy, xx) = np.random.default_rng(seed), np.mgrid[:n, :n]
    im = np.zeros((n, n), np.uint8)
    while im.mean() < fraction:
        cy, cx, r = rng.integers(n), rng.integers(n), rng.uniform(2, 5)
        dy, dx = np.minimum(abs(yy - cy), n - abs(yy - cy)), np.minimum(abs(xx - cx), n - abs(xx - cx))
        im[dy**2 + dx**2 <= r*r] = 1
    return im


def largest_piece(a):
    "The largest connected piece of phase 1 in each structure (pixels; periodic, as the disks are)."
    from microvae_nb.metrics import _piece_sizes
    return np.array([_piece_sizes(x == 1, periodic=True).max() for x in a])


def row(name, run):
    m = json.loads((run/'metrics.json').read_text())
    q, s, tr = m['quality'], np.load(run/'samples.npy'), np.load(run/'training.npy')
    ph = m['by_phase']
    return (f"| {name} | {ph['1']['e_rec']:.1e} / {ph['0']['e_rec']:.1e} | {m['e_gen']:.1e} / {m['e_gen_median']:.1e}"
            f" / {m['floor']:.1e} | {s.mean():.3f} / {tr.mean():.3f} | {q['boundary_density']['ratio']:.2f} | "
            f"{q['isolated_share']['ratio']:.1f} | {q['pieces']['ratio']:.2f} | {q['position']['spread_ratio']:.2f} | "
            f"{q['position']['worst_edge']:.3f} | {np.mean(largest_piece(s) > 2*largest_piece(tr).max()):.2f} | "
            f"{m['diversity']/m['diversity_data']:.2f} |")


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=10_000)
    ap.add_argument('--out', default='runs/disks')
    ap.add_argument('--only', default=','.join(VARIANTS), help='variants, comma-separated')
    ap.add_argument('--table', action='store_true', help='print the table of runs already in --out')
    a = ap.parse_args()
    if not a.table:
        import torch
        torch.set_num_threads(1)
        from microvae_nb.data import crops
        from microvae_nb.runs import train_run
        for name in a.only.split(','):
            train_run(crops(disks()), Path(a.out)/name, progress=False, force=True, epochs=a.steps//4,
                      eval_every=2000, seed=0, **VARIANTS[name])
    print('| run | E_rec disks / matrix | E_gen disks: mean / median / floor | disk fraction: samples / crops | '
          'boundary | isolated | pieces | mean-image spread / flat | worst border | blobs | diversity / data |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    for name in a.only.split(','): print(row(name, Path(a.out)/name))
