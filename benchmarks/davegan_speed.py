"""Training speed of DA-VEGAN (seed 003, Table 3 networks, batch 4, 64x64 crops of one image): steps per second and the
time the paper's schedule (20,000 epochs of 16 crops = 80,000 steps) would take, on the CPU and, where present, the GPU.
The paper: about 30 minutes on an RTX 3080 Ti for the full schedule, i.e. 22.5 ms per step. Each device times the
package's defaults and the paper's settings (`PAPER_SETTINGS`: no R1 penalty, whose second derivative costs time).

    python benchmarks/davegan_speed.py [--steps 300] [--threads 2]
"""
import argparse, time
import torch
from microvae_nb.data import load_microstructure, crops
from microvae_nb.betavae_gan import DAVEGAN, table3_config, make_optimizers, train_step, PAPER_SETTINGS

PAPER_STEPS, PAPER_MS = 80_000, 30*60*1000/80_000


def ms_per_step(device, steps, settings):
    "Mean wall time of one training step after a warm-up, with the data and all randomness on `device`."
    torch.manual_seed(0)
    model = DAVEGAN(table3_config(**settings)).to(device).train(); opts = make_optimizers(model)
    x = torch.as_tensor(crops(load_microstructure('alloy')), dtype=torch.float32)[:, None].to(device)
    g = torch.Generator(device=device).manual_seed(0)
    def run(n):
        for i in range(n): train_step(model, opts, x[(4*i) % 16:(4*i) % 16 + 4], g)
        if device.type == 'cuda': torch.cuda.synchronize()
    run(20)
    t0 = time.perf_counter(); run(steps)
    return (time.perf_counter() - t0)/steps*1000


if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--steps', type=int, default=300); ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args(); torch.set_num_threads(args.threads)
    devices = [torch.device('cpu')] + ([torch.device('cuda')] if torch.cuda.is_available() else [])
    print(f'| device | settings | ms/step | steps/s | 80,000 steps | vs paper (22.5 ms/step) |\n|---|---|---|---|---|---|')
    for dev in devices:
        name = torch.cuda.get_device_name() if dev.type == 'cuda' else f'CPU, {args.threads} thread' + 's'*(args.threads > 1)
        for label, settings in (('defaults', {}), ("paper's", PAPER_SETTINGS)):
            ms = ms_per_step(dev, args.steps, settings)
            print(f'| {name} | {label} | {ms:.2f} | {1000/ms:.0f} | {PAPER_STEPS*ms/60000:.1f} min | {PAPER_MS/ms:.2f}x |',
                  flush=True)
