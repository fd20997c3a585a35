"""VAE training throughput: microvae_nb's Trainer against pythae's BetaVAE on identical networks, in one process.

Run by hand in an environment that has the peer (not a requirement of the package):

    python -m venv /tmp/pythae && . /tmp/pythae/bin/activate
    pip install torch==2.13.0 && pip install pythae && pip install --no-deps -e . && pip install tqdm matplotlib pillow scikit-learn ipywidgets
    python benchmarks/vae_speed.py

Seed 001's architecture (stride-2 convs 64-128-256, dense 256, latent 32, transposed-conv decoder) on 64x64
single-phase inputs, batch 64, Adam 1e-3. Reported: samples per second of training (forward + backward + step),
measured over whole epochs after a warm-up epoch, in alternating rounds (each loop's best round), for
- 'network limit': the bare networks, forward + backward + Adam step with the same loss, in a plain loop (the most
  any trainer can reach on this machine);
- 'microvae_nb Trainer': our loop (validation switched off, no checkpoint);
- 'pythae BetaVAE': pythae's BaseTrainer training a BetaVAE whose encoder and decoder are our modules.
"""
import argparse, time

import numpy as np
import torch

from microvae_nb.train import Trainer
from microvae_nb.vae import VAE, seed001_config


def data(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 1, 64, 64, generator=g) > 0.5).float()


def network_limit(x, batch_size, epochs):
    "Samples/s of the bare networks with the same loss and optimiser, no trainer around them."
    torch.manual_seed(0); model = VAE(seed001_config(32)); opt = torch.optim.Adam(model.parameters(), 1e-3)
    def epoch():
        for i in range(0, len(x), batch_size):
            xb = x[i:i + batch_size]; terms = model.loss(xb, model(xb))
            opt.zero_grad(); terms.total.backward(); opt.step()
    epoch(); t0 = time.perf_counter()
    for _ in range(epochs): epoch()
    return epochs*len(x)/(time.perf_counter() - t0)


def ours(x, batch_size, epochs):
    trainer = Trainer(seed001_config(32), x, valid_fraction=0, batch_size=batch_size, progress=False, patience=None, device='cpu')
    trainer.fit(1); t0 = time.perf_counter(); trainer.fit(1 + epochs)
    return epochs*len(x)/(time.perf_counter() - t0)


def pythae_run(x, batch_size, epochs):
    from pythae.models import BetaVAE, BetaVAEConfig
    from pythae.models.nn import BaseEncoder, BaseDecoder
    from pythae.models.base.base_utils import ModelOutput
    from pythae.trainers import BaseTrainer, BaseTrainerConfig
    from pythae.data.datasets import BaseDataset
    torch.manual_seed(0); net = VAE(seed001_config(32))
    class Enc(BaseEncoder):
        def __init__(self): super().__init__(); self.net = net.encoder
        def forward(self, x): mu, logvar = self.net(x); return ModelOutput(embedding=mu, log_covariance=logvar)
    class Dec(BaseDecoder):
        def __init__(self): super().__init__(); self.net = net.decoder
        def forward(self, z): return ModelOutput(reconstruction=torch.sigmoid(self.net(z)))   # our decoder gives logits
    model = BetaVAE(BetaVAEConfig(input_dim=(1, 64, 64), latent_dim=32, beta=0.1, reconstruction_loss='bce'), encoder=Enc(), decoder=Dec())
    def train(n_epochs):
        cfg = BaseTrainerConfig(output_dir='/tmp/pythae_bench', num_epochs=n_epochs, learning_rate=1e-3,
                                per_device_train_batch_size=batch_size, per_device_eval_batch_size=batch_size, no_cuda=True,
                                steps_saving=None, steps_predict=None)
        BaseTrainer(model=model, train_dataset=BaseDataset(x, torch.zeros(len(x))), training_config=cfg).train()
    t0 = time.perf_counter(); train(1); t_one = time.perf_counter() - t0
    t0 = time.perf_counter(); train(1 + epochs); t_more = time.perf_counter() - t0
    return epochs*len(x)/(t_more - t_one)        # subtracts pythae's per-run set-up and first epoch


def main(n, batch_size, epochs, rounds):
    x = data(n)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; {n} samples of 64x64, batch {batch_size}, {epochs} timed epochs\n')
    loops = {'network limit': network_limit, 'microvae_nb Trainer': ours, 'pythae BetaVAE': pythae_run}
    try: import pythae
    except ImportError: del loops['pythae BetaVAE']; print('pythae not installed: its row is skipped')
    rows = {name: 0.0 for name in loops}
    for _ in range(rounds):                          # alternate the loops and keep each one's best round: the first
        for name, run in loops.items(): rows[name] = max(rows[name], run(x, batch_size, epochs))   # loop run is slower
    for name, v in rows.items(): print(f'{name:>20}: {v:8.1f} samples/s ({v/rows["network limit"]:.0%} of the limit)')


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=512, help='training samples')
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--epochs', type=int, default=2, help='timed epochs')
    ap.add_argument('--rounds', type=int, default=2, help='alternating rounds over all loops (best kept)')
    args = ap.parse_args()
    main(args.n, args.batch_size, args.epochs, args.rounds)
