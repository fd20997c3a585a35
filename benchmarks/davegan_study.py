"""The DA-VEGAN experiments of 03_betavae_gan, run as parallel `train_run` jobs (one process each), on a GPU if present.

    python benchmarks/davegan_study.py table4   --steps 80000 --out runs/table4 [--workers 2]  # 5 materials, checkerboard, ablations
    python benchmarks/davegan_study.py ellipses --steps 10000 --out runs/ellipses   # the beta sweep of section 4.2

Each job writes a run folder (see `cli.train_run`) plus `model.pt` (weights and configuration only, for the notebook).
"""
import argparse, json, time
from pathlib import Path
import multiprocessing as mp
import numpy as np

BETAS = (0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 50.0)
ABLATIONS = {'no_image_aug': dict(augment_images=False), 'no_latent_aug': dict(augment_latent=False, sampled_prior=False),
             'no_gan': dict(gan=False), 'vae_as_real': dict(vae_as_real=True)}


def job(args):
    name, images, out, kwargs, device = args
    import torch
    torch.set_num_threads(1)
    from microvae_nb.cli import train_run
    from microvae_nb.betavae_gan import load_davegan
    from microvae_nb.vae import save_checkpoint
    t0 = time.time()
    m = train_run(images, Path(out)/name, progress=False, device=device, force=True, **kwargs)
    save_checkpoint(Path(out)/name/'model.pt', load_davegan(Path(out)/name/'checkpoint.pt'), overwrite=True)
    return name, m, time.time() - t0


def table4_jobs(steps, out, device):
    from microvae_nb.data import load_microstructure, crops, checkerboard, list_examples
    epochs = steps//4; ev = max(steps//20, 100)
    jobs = [(n, crops(load_microstructure(n)), out, dict(epochs=epochs, eval_every=ev, data=n), device) for n in list_examples()]
    jobs.append(('checkerboard', crops(checkerboard((256, 256), tile=8)), out, dict(epochs=epochs, eval_every=ev, data='checkerboard'), device))
    alloy = crops(load_microstructure('alloy'))
    jobs += [(f'alloy_{k}', alloy, out, dict(epochs=epochs, eval_every=ev, data='alloy', **v), device) for k, v in ABLATIONS.items()]
    return jobs


def ellipse_jobs(steps, out, device, n_images=10_000):
    from microvae_nb.data import random_ellipses
    images, _ = random_ellipses(n_images, seed=0)
    epochs = max(1, steps*32//n_images)
    return [(f'beta_{b:g}', images, out, dict(epochs=epochs, latent_dim=5, beta=b, batch_size=32, data='ellipses'), device) for b in BETAS]


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('part', choices=['table4', 'ellipses']); ap.add_argument('--steps', type=int, default=80_000)
    ap.add_argument('--out', default='runs/study'); ap.add_argument('--device', default=None); ap.add_argument('--only', default=None)
    ap.add_argument('--workers', type=int, default=None)
    a = ap.parse_args()
    jobs = (table4_jobs if a.part == 'table4' else ellipse_jobs)(a.steps, a.out, a.device)
    if a.only: jobs = [j for j in jobs if j[0] in a.only.split(',')]
    with mp.get_context('spawn').Pool(a.workers or len(jobs)) as pool:
        for name, m, sec in pool.imap_unordered(job, jobs):
            print(f"{name:>24}: E_rec {m['e_rec']:.3g}  E_gen {m['e_gen']:.3g}  diversity {m['diversity']:.3g}  "
                  f"copies {m['copy_fraction']:.2f}  {m['steps']} steps  {sec:.0f} s", flush=True)
