"""The DA-VEGAN experiments of 03_betavae_gan, run as parallel `train_run` jobs (one process each).

    python benchmarks/davegan_study.py ablation --steps 20000 --out runs/ablation  # 2 x 2 x 2 seeds
    python benchmarks/davegan_study.py table4   --steps 80000 --out runs/table4    # every material
    python benchmarks/davegan_study.py periodic --steps 80000 --out runs/periodic  # the periodic generator
    python benchmarks/davegan_study.py discriminator --steps 16000 --out runs/disc  # R1, slower discriminator
    python benchmarks/davegan_study.py discriminator --steps 80000 --only alloy_periodic_lr_disc_1e-5 --out runs/long \
        --keep nbs/results/davegan/long   # the slower discriminator at the paper's budget
    python benchmarks/davegan_study.py r1_screen --steps 16000 --names sandstone --out runs/screen --workers 1
    python benchmarks/davegan_study.py r1_screen --steps 80000 --names carbonate \
        --only carbonate_periodic_no_logit_norm_r1_0.1 --out runs/long --keep nbs/results/davegan/long --workers 1
    python benchmarks/davegan_study.py rec_sweep --steps 16000 --out runs/sweep --workers 1  # lambda_rec 3e-4, 2 seeds
    python benchmarks/davegan_study.py snapshot --out runs/periodic  # runs still training: their latest checkpoint
    python benchmarks/davegan_study.py ellipses --steps 20000 --out runs/ellipses  # the beta sweep
    python benchmarks/davegan_study.py defaults --steps 20000 --names checkerboard --out runs/defaults --workers 1
    python benchmarks/davegan_study.py all --out runs/study  # all three in one pool, the longest first

Every part but `defaults` trains with `PAPER_SETTINGS` plus its own changes: these runs were made while the paper's
settings were the defaults. Each job trains with `runs.train_run` (run folder under --out, checkpoint included) and
then writes a small folder under nbs/results/davegan/<part>/<name>: config.json, history.json (ellipses: model.pt),
and arrays.npz with 256 samples and the reconstructions of (the first 256) training structures, decoded twice: with
the batch-norm statistics of training (`*_running`) and with statistics recomputed from prior batches
(`*_refreshed`). The notebook computes every score from these arrays.
"""
import argparse, copy, json, shutil, time
from pathlib import Path
import multiprocessing as mp
import numpy as np
from microvae_nb.betavae_gan import PAPER_SETTINGS   # the runs before the defaults changed

BETAS = (0.01, 1.0, 50.0)
VARIANTS = {'linear_separate': dict(encoder_head='linear', noise_batch='separate'),
            'linear_joint': dict(encoder_head='linear', noise_batch='joint'),
            'table3_separate': dict(encoder_head='table3', noise_batch='separate'),
            'table3_joint': dict(encoder_head='table3', noise_batch='joint')}


def decoded(net, images, seed):
    "Samples and reconstructions as phase labels (uint8)."
    from microvae_nb.vae import sample, reconstruct
    from microvae_nb.metrics import output_labels
    lab = lambda t: output_labels(t).numpy().astype(np.uint8)
    return lab(sample(net, 256, seed=seed)), lab(reconstruct(net, images[:256]))


def keep(net, images, run, kept, seed):
    "The small folder the notebook reads: configuration, history and the decoded arrays."
    import torch
    from microvae_nb.betavae_gan import refresh_batch_norm
    kept.mkdir(parents=True, exist_ok=True)
    for f in ('config.json', 'history.json', 'metrics.json'): shutil.copy(run/f, kept/f)
    fresh = copy.deepcopy(net)
    refresh_batch_norm(fresh, rng=torch.Generator().manual_seed(0))
    fresh.eval()
    (s_run, r_run), (s_ref, r_ref) = decoded(net, images, seed), decoded(fresh, images, seed)
    arrays = dict(samples_running=s_run, reconstructions_running=r_run, samples_refreshed=s_ref,
                  reconstructions_refreshed=r_ref)
    if getattr(net.cfg, 'two_stats', False):   # the same reconstructions with the prior's statistics
        from microvae_nb.vae import norm_stats, encode, decode
        from microvae_nb.metrics import output_labels
        with norm_stats(net, 'prior'): r = decode(net, encode(net, images[:256]))
        arrays['reconstructions_prior_stats'] = output_labels(r).numpy().astype(np.uint8)
    np.savez_compressed(kept/'arrays.npz', **arrays)


def posterior(run, kept):
    "How the encoder places the training crops: the aggregate posterior mean and spread per latent dimension."
    import torch
    from microvae_nb.models import as_model_input
    from microvae_nb.betavae_gan import load_davegan
    net = load_davegan(Path(run)/'checkpoint.pt')
    images = np.load(Path(run)/'training.npy')
    with torch.no_grad(): mu, logvar = net.encode(as_model_input(images, net.cfg))
    m = mu.mean(0)
    stats = dict(aggregate_mean=m.tolist(), aggregate_std=mu.std(0).tolist(),
                 mean_logvar=logvar.mean(0).tolist(), mean_abs_offset=float(m.abs().mean()))
    (Path(kept)/'posterior.json').write_text(json.dumps(stats))


def snapshot(run, kept, seed=0):
    "A run still training: its latest checkpoint decoded as `keep` decodes a finished one, with its step."
    from microvae_nb.models import load_checkpoint
    from microvae_nb.betavae_gan import load_davegan
    run, kept = Path(run), Path(kept)
    net, state = load_davegan(run/'checkpoint.pt'), load_checkpoint(run/'checkpoint.pt')
    kept.mkdir(parents=True, exist_ok=True)
    shutil.copy(run/'config.json', kept/'config.json')
    history = dict(losses=state['history'], evals=state['evals'], step=state['step'])
    (kept/'history.json').write_text(json.dumps(history))
    s, r = decoded(net, np.load(run/'training.npy'), seed)
    np.savez_compressed(kept/'arrays.npz', samples_running=s, reconstructions_running=r)
    return state['step']


def job(args):
    name, images, out, kept, kwargs = args
    import torch
    torch.set_num_threads(1)
    from microvae_nb.runs import train_run
    from microvae_nb.models import load_model
    t0 = time.time()
    m = train_run(images, Path(out)/name, progress=False, force=True, refresh_bn=False, **kwargs)
    net = load_model(Path(out)/name/'checkpoint.pt')
    keep(net, images, Path(out)/name, Path(kept)/name, kwargs.get('seed', 0))
    posterior(Path(out)/name, Path(kept)/name)
    if kwargs.get('data') == 'ellipses':   # small (Table 2): the notebook's traversals and probe need it
        from microvae_nb.models import save_checkpoint
        save_checkpoint(Path(kept)/name/'model.pt', net, overwrite=True)
    return name, m, time.time() - t0


def training_set(name):
    from microvae_nb.data import load_microstructure, crops, checkerboard
    return crops(checkerboard((256, 256), tile=8) if name == 'checkerboard' else load_microstructure(name))


def ablation_jobs(steps, seeds=(0, 1)):
    ev = dict(epochs=steps//4, eval_every=max(steps//10, 100), data='alloy')
    return [(f'{k}_s{s}', training_set('alloy'), PAPER_SETTINGS | dict(seed=s, **ev, **v))
            for s in seeds for k, v in VARIANTS.items()]


def table4_jobs(steps, names=('alloy', 'carbonate', 'sandstone', 'synth1', 'composite', 'checkerboard'),
                settings=PAPER_SETTINGS):
    return [(n, training_set(n), settings | dict(epochs=steps//4, eval_every=max(steps//20, 100), data=n))
            for n in names]


PERIODIC = {'periodic': dict(periodic=True), 'periodic_rec1e-3': dict(periodic=True, lambda_rec=1e-3)}


def periodic_jobs(steps, names=('alloy',)):
    "The periodic generator (and with it a reconstruction weight 10x the paper's) on the Table 4 set-up."
    return [(f'{n}_{k}', im, kw | v) for n, im, kw in table4_jobs(steps, names) for k, v in PERIODIC.items()]


BASE = dict(lr_disc=1e-5, lambda_rec=3e-4)   # both changes: the candidate defaults of the two screens
DISCRIMINATOR = {'r1_1': dict(r1_gamma=1.), 'r1_10': dict(r1_gamma=10.), 'lr_disc_1e-5': dict(lr_disc=1e-5),
                 'lr_disc_1e-5_rec3e-4': BASE}
DISC_ABLATION = {'separate_calls': BASE | dict(disc_calls='separate'),
                 'independent_shift': BASE | dict(rec_shift='independent'),
                 'no_logit_norm': BASE | dict(disc_out_norm=False),
                 # the cleanest samples of the three, with what might stop its discriminator running away
                 'no_logit_norm_r1_10': BASE | dict(disc_out_norm=False, r1_gamma=10.),
                 'no_logit_norm_r1_1': BASE | dict(disc_out_norm=False, r1_gamma=1.),
                 'no_logit_norm_rec1e-3': BASE | dict(disc_out_norm=False, lambda_rec=1e-3)}


# the light R1 penalty's E_gen on sandstone (1.2x Table 4's at 80k): a lighter penalty, or the paper's disc rate
R1_SCREEN = {'no_logit_norm_r1_0.1': BASE | dict(disc_out_norm=False, r1_gamma=0.1),
             'no_logit_norm_r1_1_lr_disc_4e-5': BASE | dict(lr_disc=4e-5, disc_out_norm=False, r1_gamma=1.)}


REC_SWEEP = {f'rec{lam:g}_s{seed}': dict(lambda_rec=lam, seed=seed)
             for lam, seed in ((3e-4, 0), (3e-4, 1), (1e-4, 1))}   # (weight, seed) between 1e-4 and 1e-3


def periodic_variants(steps, variants, names=('alloy',)):
    "The periodic generator on the Table 4 set-up with each variant's settings, evaluated every 4,000 steps."
    return [(f'{n}_periodic_{k}', im, dict(kw, eval_every=4000, periodic=True) | v)
            for n, im, kw in table4_jobs(steps, names) for k, v in variants.items()]


def stats_jobs(steps, names=('alloy',)):
    "Separate batch-norm statistics for reconstructions and samples, at the command line's default budget."
    return [(f'{n}{k}', im, dict(kw, eval_every=500) | v) for n, im, kw in table4_jobs(steps, names)
            for k, v in {'': {}, '_periodic': dict(periodic=True)}.items()]


def ellipse_jobs(steps, n_images=10_000):
    from microvae_nb.data import random_ellipses
    images, _ = random_ellipses(n_images, seed=0)
    kw = dict(epochs=max(1, steps*32//n_images), latent_dim=5, batch_size=32, data='ellipses')
    return [(f'beta_{b:g}', images, PAPER_SETTINGS | dict(beta=b, **kw)) for b in BETAS]


def default_jobs(steps, names=('checkerboard',)):
    "The package's defaults (03's choice) on the Table 4 set-up, named by material and budget."
    return [(f'{n}_{steps//1000}k', im, kw) for n, im, kw in table4_jobs(steps, names, settings={})]


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('part', choices=['ablation', 'table4', 'periodic', 'stats', 'discriminator', 'rec_sweep', 'disc_ablation', 'r1_screen', 'defaults', 'ellipses', 'all', 'posterior',
                                   'snapshot'])
    ap.add_argument('--steps', type=int, default=None, help='default: 20,000 (table4: 80,000)')
    ap.add_argument('--out', default='runs/study')
    ap.add_argument('--keep', default='nbs/results/davegan')
    ap.add_argument('--only', default=None)
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--names', default='alloy', help='materials for discriminator/rec_sweep, comma-separated')
    a = ap.parse_args()
    if a.part == 'posterior':   # for runs made before posterior.json was written
        for run in sorted(Path(a.out).glob('*/*/checkpoint.pt')):
            kept = Path(a.keep)/run.parent.parent.name/run.parent.name
            if kept.is_dir() and not (kept/'posterior.json').exists(): posterior(run.parent, kept)
        raise SystemExit
    if a.part == 'snapshot':   # runs still training (--out holds <part>/<name> folders)
        for run in sorted(Path(a.out).glob('*/*/checkpoint.pt')):
            kept = Path(a.keep)/run.parent.parent.name/run.parent.name
            print(run.parent.name, 'step', snapshot(run.parent, kept), flush=True)
        raise SystemExit
    parts = dict(ablation=ablation_jobs, table4=table4_jobs, periodic=periodic_jobs, stats=stats_jobs,
                 discriminator=lambda steps: periodic_variants(steps, DISCRIMINATOR, a.names.split(',')),
                 rec_sweep=lambda steps: periodic_variants(steps, REC_SWEEP, a.names.split(',')),
                 disc_ablation=lambda steps: periodic_variants(steps, DISC_ABLATION, a.names.split(',')),
                 r1_screen=lambda steps: periodic_variants(steps, R1_SCREEN, a.names.split(',')),
                 defaults=lambda steps: default_jobs(steps, a.names.split(',')),
                 ellipses=ellipse_jobs)
    default = lambda part: a.steps or {'table4': 80_000, 'periodic': 80_000, 'stats': 10_000}.get(part, 20_000)
    if a.part == 'all':   # the longest first, so that two workers finish together
        todo = [('table4', j) for j in table4_jobs(default('table4'))[:1]]
        todo += [('ablation', j) for j in ablation_jobs(default('ablation'))]
        todo += [('table4', j) for j in table4_jobs(default('table4'))[1:-1]]
        todo += [('table4', j) for j in table4_jobs(default('ablation'))[-1:]]   # checkerboard
        todo += [('ellipses', j) for j in ellipse_jobs(default('ellipses'))]
    else: todo = [(a.part, j) for j in parts[a.part](default(a.part))]
    jobs = [(n, im, f'{a.out}/{part}', f'{a.keep}/{part}', kw) for part, (n, im, kw) in todo]
    if a.only: jobs = [j for j in jobs if j[0] in a.only.split(',')]
    with mp.get_context('spawn').Pool(a.workers) as pool:
        for name, m, sec in pool.imap_unordered(job, jobs):
            print(f"{name:>24}: E_rec {m['e_rec']:.3g}  E_gen {m['e_gen']:.3g}  {m['steps']} steps  "
                  f"{sec:.0f} s", flush=True)
