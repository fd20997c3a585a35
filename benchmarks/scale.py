"""Data-parallel scaling on this machine: training throughput with 1 and 2 processes, the communication per step,
and labelling throughput with 1 and 2 shards (10_distributed).

    python benchmarks/scale.py                  # DA-VEGAN (Table 3, 64², batch 4), the VAE, labelling
    python benchmarks/scale.py --steps 200      # longer timing windows

Every configuration runs in freshly spawned processes (the same `spawn` the tests use, which sets torchrun's
environment), each with one thread unless stated: "1 proc x 2 threads" is the fair single-process baseline on a
two-core machine. Throughput is global samples per second over the timed steps (after warm-up steps). The
communication per step is what an all-reduce moves per process: every parameter's gradient (float32) per
optimiser step, plus two per-channel sums per batch-norm layer per forward pass in training.
"""
import argparse, tempfile, time
from pathlib import Path

import numpy as np
import torch


def _davegan(steps, warmup):
    "Samples/s of DAVEGANTrainer on the alloy's 16 crops (Table 3), in this process (or rank)."
    from microvae_nb.betavae_gan import DAVEGANTrainer, table3_config
    from microvae_nb.data import crops, load_microstructure
    from microvae_nb.distributed import world_size
    tr = DAVEGANTrainer(table3_config(), crops(load_microstructure('alloy')), log_every=10_000,
                        progress=False, eval_every=None)
    for _ in range(warmup): tr._train_one()
    t0 = time.perf_counter()
    for _ in range(steps): tr._train_one()
    float(tr.sums.sum())   # wait for the device
    return dict(samples_s=steps*tr.model.cfg.batch_size/(time.perf_counter() - t0), world=world_size())


def _vae(steps, warmup):
    "Samples/s of 02's Trainer on a conv VAE (64², batch 32), one step per `_run_epoch` of 32 images."
    from microvae_nb.train import Trainer
    from microvae_nb.vae import VAEConfig
    from microvae_nb.data import gaussian_random_field
    x = gaussian_random_field((64, 64), 3, n=32, seed=0)
    tr = Trainer(VAEConfig(shape=(1, 64, 64), latent_dim=16), x, valid_fraction=0, batch_size=32,
                 progress=False)
    for _ in range(warmup): tr._run_epoch(tr.train, True)
    t0 = time.perf_counter()
    for _ in range(steps): tr._run_epoch(tr.train, True)
    return dict(samples_s=steps*32/(time.perf_counter() - t0))


def _labels(path, shard=None):
    "Seconds to label a 2D set of 256 structures of 64² (chunks of 16), whole or this process's share."
    from microvae_nb.mechanics import stiffness_dataset
    t0 = time.perf_counter()
    stiffness_dataset(path, shape=(64, 64), n_per_filter=16, widths=(1., 2., 4., 8.), chunk_size=16,
                      progress=False, device='cpu', shard=shard)
    return time.perf_counter() - t0


def in_processes(fn, n, threads, *args):
    "Run fn in n spawned processes with `threads` threads each; their results."
    from microvae_nb.distributed import spawn
    return spawn(_threaded, n, fn, threads, *args)


def _threaded(fn, threads, *args):
    torch.set_num_threads(threads)
    return fn(*args)


def communication():
    "Bytes all-reduced per process per step: gradients per network, batch-norm sums."
    from microvae_nb.betavae_gan import DAVEGAN, table3_config
    from microvae_nb.vae import VAE, VAEConfig
    rows = []
    for name, net, nets in [('DA-VEGAN (Table 3)', DAVEGAN(table3_config()), ('encoder', 'generator',
                                                                               'discriminator')),
                            ('VAE 64²', VAE(VAEConfig(shape=(1, 64, 64), latent_dim=16)), ('encoder',
                                                                                          'decoder'))]:
        grads = sum(p.numel() for p in net.parameters())*4
        bn = [m for m in net.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        rows.append((name, grads, sum(2*m.num_features*4 + 4 for m in bn), len(bn)))
    return rows


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--warmup', type=int, default=10)
    a = ap.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads available\n')
    print('| job | 1 proc x 1 thread | 1 proc x 2 threads | 2 procs x 1 thread | 2 procs / 1x2 |')
    print('|---|---|---|---|---|')
    for name, fn in [('DA-VEGAN samples/s', _davegan), ('VAE samples/s', _vae)]:
        r = [in_processes(fn, n, t, a.steps, a.warmup)[0]['samples_s'] for n, t in ((1, 1), (1, 2), (2, 1))]
        print(f'| {name} | {r[0]:.1f} | {r[1]:.1f} | {r[2]:.1f} | {r[2]/r[1]:.2f} |', flush=True)
    with tempfile.TemporaryDirectory() as d:
        one = in_processes(_labels, 1, 1, f'{d}/one.npz')[0]
        one2 = in_processes(_labels, 1, 2, f'{d}/one2.npz')[0]
        two = max(in_processes(_labels, 2, 1, f'{d}/two.npz'))
        ok = all(np.array_equal(np.load(f'{d}/one.npz')[k], np.load(f'{d}/two.npz')[k])
                 for k in np.load(f'{d}/one.npz'))
    print(f'| labelling structures/s (256 x 64²) | {256/one:.1f} | {256/one2:.1f} | {256/two:.1f} | '
          f'{one2/two:.2f} |')
    print(f'\nthe 2-process labelled file equals the 1-process file: {ok}\n')
    print('| model | gradients all-reduced per step | batch-norm sums per forward | batch-norm layers |')
    print('|---|---|---|---|')
    for name, g, b, n in communication():
        print(f'| {name} | {g/2**20:.2f} MiB | {b/2**10:.1f} KiB | {n} |')
