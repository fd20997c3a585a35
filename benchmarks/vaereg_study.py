"""The VAE-regression experiments of 05_vaereg_gmm, run in the background and kept small under nbs/results/vaereg/.

    python benchmarks/vaereg_study.py inverse              # mixture (K=2) and Gaussian prior on the two-morphology set
    python benchmarks/vaereg_study.py forward --seeds 0,1,2,3,4   # VAE-Reg, Reg-only, VAE + regressors, S2 + regressors
    python benchmarks/vaereg_study.py forward --seeds 0 --methods vaereg   # re-train one method, keep the others
    python benchmarks/vaereg_study.py physics --epochs 60      # mixture.pt fine-tuned with the physics term
    python benchmarks/vaereg_study.py pixels --epochs 40 --lr 5e-4 --weight 0   # ... with a pixel term
    python benchmarks/vaereg_study.py pixels --epochs 40 --lr 5e-4 --weight 0 --pixels_monitor loss \
        --start multi/vaereg.pt   # the three-property model with the pixel term: multi/pixels.pt
    python benchmarks/vaereg_study.py multi --epochs 200 --patience 0   # C11, C22, C12 together (appendix 0.C)
    python benchmarks/vaereg_study.py forward3d --epochs 40   # 1,024 volumes of 32^3: VAE-Reg (S2) and Reg-only
    python benchmarks/vaereg_study.py forward3d --epochs 40 --clip 1   # the same, gradients clipped at norm 1
    python benchmarks/vaereg_study.py design3d --epochs 20   # a 3D design model (mixture prior, pixel term) and its
                                                             # designs at five targets: nbs/results/vaereg/design3d/
    python benchmarks/vaereg_study.py design3d --epochs 300 --out nbs/results/vaereg/design3d_long \
        --run runs/design3d_long   # the same for 300 epochs, resumable: start it again to continue
    python benchmarks/vaereg_study.py design3d --epochs 25 --pixel_weight 1 --out runs/d3_pix1 \
        --run runs/d3_pix1/run    # 3D trials: the pixel term's weight, or --style random (benchmarks/README.md)
    python benchmarks/vaereg_study.py pixels --epochs 40 --lr 5e-4 --weight 0 --pixels_monitor loss \
        --periodic --name periodic   # the pixel fine-tune on the torus (circular padding, shifted batches)
    python benchmarks/vaereg_study.py pixels --epochs 40 --lr 5e-4 --weight 0 --pixels_monitor loss \
        --periodic --name periodic --start multi/vaereg.pt   # the same for the three-property model

Data: nbs/results/vaereg/grf32.npz and two32.npz (built by `stiffness_dataset`, see the chapter). Every model trains
with the shared `Trainer` of 02_vae: Adam, learning rate 5e-4, batch 8, early stopping after 10 epochs without a lower
validation loss (seed 002), at most --epochs epochs (default 40), on a 60/20/20 split (`split_indices`); the inverse
models train for --epochs without early stopping (their validation loss, dominated by the regression, stops long before
the decoder has learnt the textures; run them with --epochs 300; multi likewise with --patience 0). Each part writes JSON
(predictions on the test split, histories, seconds) and small model-only checkpoints; the notebook computes every
number from them.
"""
import argparse, json, time
from pathlib import Path
import numpy as np
import torch

from microvae_nb.mechanics import load_stiffness_dataset
from microvae_nb.models import save_checkpoint
from microvae_nb.train import Trainer
from microvae_nb.vae import seed000_config, encode
from microvae_nb.vaereg_gmm import property_config, balanced_config, split_indices, predict
from microvae_nb.metrics import s2_descriptor

RESULTS = Path('nbs/results/vaereg')
SMALL = dict(shape=(1, 32, 32), dense=256, head=128)   # the chapter's widths (paper: 2048 and 1024)


def train(cfg_or_model, x, c, tr, va, seed, epochs, patience=10, **kwargs):
    "Train with seed 002's settings (kwargs: more `Trainer` options); the model, its history, the seconds."
    t0 = time.time()
    kw = dict(batch_size=8, lr=5e-4, patience=patience, seed=seed, progress=False) | kwargs
    if c is None: trainer = Trainer(cfg_or_model, x[tr], valid=x[va], **kw)
    else: trainer = Trainer(cfg_or_model, x[tr], c[tr], valid=(x[va], c[va]), **kw)
    history = trainer.fit(epochs)
    return trainer.model, history, time.time() - t0


def vaereg_config(c_train, x_train, **kwargs):
    "The chapter's configuration with balanced scales (kwargs override `SMALL` and the defaults)."
    return balanced_config(c_train, x_train, **(SMALL | kwargs))


def networks(c_train, x_train, shape=SMALL['shape'], **kwargs):
    "VAE-Reg and the Reg-only CNN: the same trunk and regressor, with the style and KL weights at zero."
    cfg = vaereg_config(c_train, x_train, shape=shape, **kwargs)
    regonly = property_config(c_train, **(SMALL | dict(shape=shape)), reg_scale=cfg.reg_scale, style_weight=0.,
                              kl_weight=0.)
    return dict(vaereg=cfg, regonly=regonly)


def fit_and_predict(name, cfg, x, c, split, seed, epochs, out, **kwargs):
    "Train one network of a forward study (kwargs: `train`'s); test predictions, seconds, epochs into `out`."
    tr, va, te = split
    model, hist, sec = train(cfg, x, c, tr, va, seed, epochs, **kwargs)
    out['pred'][name] = predict(model, x[te])[0][:, 0].tolist()
    out['seconds'][name], out['epochs'][name] = sec, len(hist['train_loss'])
    return model


def saved_results(path):
    "A study's JSON so far (results of other methods or runs are kept), or an empty one."
    return json.loads(path.read_text()) if path.exists() else dict(seconds={}, epochs={}, pred={})


def latent_regressors(z_train, c_train, z_test):
    "Linear, MLP, Gaussian-process and support-vector regression on standardised features."
    from sklearn.linear_model import LinearRegression
    from sklearn.neural_network import MLPRegressor
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, WhiteKernel, ConstantKernel
    from sklearn.svm import SVR
    from sklearn.preprocessing import StandardScaler
    from sklearn.pipeline import make_pipeline
    kernel = ConstantKernel()*RBF() + WhiteKernel()
    models = dict(linear=LinearRegression(), mlp=MLPRegressor(hidden_layer_sizes=(64, 64), max_iter=1000, early_stopping=True,
                                                  random_state=0),
                  gpr=GaussianProcessRegressor(kernel, normalize_y=True, random_state=0),
                  svr=SVR(C=10*float(np.std(c_train)), epsilon=0.01*float(np.std(c_train))))
    return {k: make_pipeline(StandardScaler(), m).fit(z_train, c_train).predict(z_test).tolist()
            for k, m in models.items()}


FORWARD = ('vaereg', 'regonly', 'vae', 's2')   # the networks and baselines of the forward study


def forward(seed, epochs, methods=FORWARD):
    "Train `methods` on one split of grf32; results join the seed's JSON (other methods' results are kept)."
    d = load_stiffness_dataset(RESULTS/'grf32.npz')
    x, c = d['structures'], d['c11']
    tr, va, te = split_indices(len(x), seed=seed)
    path = RESULTS/f'forward/seed{seed}.json'
    out = saved_results(path) | dict(seed=seed, true=c[te].tolist(), test=te.tolist())
    nets = networks(c[tr], x[tr])
    for name in [m for m in nets if m in methods]:
        model = fit_and_predict(name, nets[name], x, c, (tr, va, te), seed, epochs, out)
        if seed == 0: save_checkpoint(RESULTS/f'forward/{name}_seed0.pt', model, overwrite=True)
    if 'vae' in methods:
        vae, hist, sec = train(seed000_config(16, shape=(1, 32, 32)), x, None, tr, va, seed, epochs)
        out['seconds']['vae'], out['epochs']['vae'] = sec, len(hist['train_loss'])
        if seed == 0: save_checkpoint(RESULTS/'forward/vae_seed0.pt', vae, overwrite=True)
        z = encode(vae, x).numpy()
        out['pred'] |= {f'vae_{k}': v for k, v in latent_regressors(z[tr], c[tr], z[te]).items()}
    if 's2' in methods:
        from microvae_nb.pca_dmaps import PCA
        s2 = s2_descriptor(x, limit_to=8).numpy()
        f = PCA(20).fit(s2[tr]).transform(s2)
        out['pred'] |= {f's2_{k}': v for k, v in latent_regressors(f[tr], c[tr], f[te]).items()
                        if k in ('linear', 'gpr')}
    path.write_text(json.dumps(out))
    print(f'forward seed {seed}: ' + ', '.join(f'{k} {v:.0f} s' for k, v in out['seconds'].items()), flush=True)


def inverse(seed, epochs, priors=('mixture', 'gaussian')):
    d = load_stiffness_dataset(RESULTS/'two32.npz')
    x, c = d['structures'], d['c11']
    tr, va, te = split_indices(len(x), seed=seed)
    for prior in priors:
        model, hist, sec = train(vaereg_config(c[tr], x[tr], prior=prior), x, c, tr, va, seed, epochs,
                                 patience=None)
        save_checkpoint(RESULTS/f'inverse/{prior}.pt', model, overwrite=True)
        (RESULTS/f'inverse/{prior}.json').write_text(json.dumps(dict(history=hist, seconds=sec, seed=seed)))
        print(f'inverse {prior}: {len(hist["train_loss"])} epochs, {sec:.0f} s', flush=True)


def grf_three():
    "grf32's structures and their C11, C22, C12 (N, 3): the set of `multi`."
    d = load_stiffness_dataset(RESULTS/'grf32.npz')
    C = d['stiffness']
    return d['structures'], np.stack([C[:, 0, 0], C[:, 1, 1], C[:, 0, 1]], 1)


def property_data(cfg):
    "The set a model learnt from: two32's C11 (one property), or grf32's C11, C22, C12 (multi)."
    if len(cfg.properties) > 1: return grf_three()
    d = load_stiffness_dataset(RESULTS/'two32.npz')
    return d['structures'], d['c11']


def physics(seed, epochs, weight=0.1, lr=2e-4, pixel_weight=0., name='physics', monitor=None,
            start='inverse/mixture.pt', periodic=False):
    """Fine-tune the committed mixture model with the physics-consistency term (and, with `pixel_weight`, a
    pixel-wise cross-entropy beside the style loss) and the prior fed the labels (teacher forcing), the epoch kept
    by the validation physics term (what design needs; without it, by the pixel term; or by `monitor`); saved
    as <name>.pt and .json beside the `start` model (another start: `--start multi/vaereg.pt`). With
    `periodic`, the network pads around the torus and every training batch is shifted at random."""
    from microvae_nb.diffaug import torus_shifts
    from dataclasses import replace
    from microvae_nb.zoo import load_model
    from microvae_nb.vaereg_gmm import VAERegression
    begin = load_model(RESULTS/start)
    x, c = property_data(begin.cfg)
    tr, va, te = split_indices(len(x), seed=seed)
    model = VAERegression(replace(begin.cfg, physics_weight=weight, pixel_weight=pixel_weight,
                                  prior_input='label', periodic=periodic))
    model.load_state_dict(begin.state_dict())
    monitor = monitor or ('phys' if weight else 'pix')
    model, hist, sec = train(model, x, c, tr, va, seed, epochs, patience=None, lr=lr, monitor=monitor,
                             augment=torus_shifts if periodic else None)
    folder = (RESULTS/start).parent
    save_checkpoint(folder/f'{name}.pt', model, overwrite=True)
    (folder/f'{name}.json').write_text(json.dumps(dict(
        history=hist, seconds=sec, seed=seed, weight=weight, pixel_weight=pixel_weight, lr=lr,
        start=Path(start).name, monitor=monitor, periodic=periodic)))
    print(f'{name}: {len(hist["train_loss"])} epochs, {sec:.0f} s', flush=True)


SET3D = RESULTS/'grf32_3d.npz'   # 1.9 MB, committed; `forward3d` builds it (about 8 minutes) if missing


def forward3d(seed, epochs, methods=('vaereg', 'regonly'), patience=10, monitor='reg', max_grad_norm=None,
              n_per_filter=16):
    """VAE-Reg (S2 style loss) and the Reg-only CNN on 32^3 volumes (64 filter families x n_per_filter),
    the best epoch by the validation regression term; with clipped gradients the results are kept as
    'vaereg_clipped', 'regonly_clipped'; other methods' results in the JSON are kept."""
    from microvae_nb.mechanics import stiffness_dataset
    if not SET3D.exists():
        t0 = time.time()
        stiffness_dataset(SET3D, shape=(32, 32, 32), n_per_filter=n_per_filter, seed=2, progress=False)
        print(f'labelled {SET3D} in {time.time() - t0:.0f} s', flush=True)
    d = load_stiffness_dataset(SET3D)
    x, c = d['structures'], d['c11']
    tr, va, te = split_indices(len(x), seed=seed)
    out = dict(seed=seed, n=len(x), true=c[te].tolist(), test=te.tolist(), seconds={}, epochs={}, pred={})
    nets = networks(c[tr], x[tr], shape=(1, 32, 32, 32), style='s2')
    for net in [m for m in nets if m in methods]:
        name = net + ('_clipped' if max_grad_norm else '')
        fit_and_predict(name, nets[net], x, c, (tr, va, te), seed, epochs, out, patience=patience, monitor=monitor,
                        max_grad_norm=max_grad_norm)
        path = RESULTS/'forward3d.json'   # read again: another process may have added a method meanwhile
        saved = saved_results(path)
        for k in ('seconds', 'epochs', 'pred'): saved[k][name] = out[k][name]
        saved.setdefault('settings', {})[name] = dict(patience=patience, monitor=monitor, max_epochs=epochs,
                                                      max_grad_norm=max_grad_norm)
        path.write_text(json.dumps(saved | {k: out[k] for k in ('seed', 'n', 'true', 'test')}))
        print(f'forward3d {name}: {out["epochs"][name]} epochs, {out["seconds"][name]:.0f} s', flush=True)


DESIGN3D = RESULTS/'design3d'
TARGETS3D = (7., 15., 30., 50., 75.)   # C11 (GPa): the 3D set's 10th to 90th percentile
STARTS3D = dict(n=4, near=8)   # fewer starts than 2D's 12 + 16: a 32^3 solve costs about 30x a 32^2 one


def design3d(seed, epochs, pixel_weight=10., lr=5e-4, targets=TARGETS3D, out=DESIGN3D, run=None, style='s2'):
    """The design path in 3D: a mixture VAE-Reg with the prior fed the labels and a pixel term, trained
    on the 32^3 set of `forward3d` in one stage (2D: 300 epochs, then a 40-epoch pixel fine-tune; too
    slow here) with gradients clipped at norm 1, the epoch kept by the validation loss (as 2D's
    `pixels.pt`; by the pixel term, fewer distinct designs: benchmarks/README.md); then `design` at
    `targets` (k = 4 within 5 %, checked on the 2x finer grid), with the time each took, into `out`.
    Skips the training if model.pt exists; with `run` (a folder) the training keeps a checkpoint there
    every epoch and continues it when started again (runs longer than a session)."""
    from microvae_nb.models import load_model
    from microvae_nb.design import design
    d = load_stiffness_dataset(SET3D)
    x, c = d['structures'], d['c11']
    tr, va, te = split_indices(len(x), seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    if not (out/'model.pt').exists():
        cfg = vaereg_config(c[tr], x[tr], shape=(1, 32, 32, 32), style=style, prior_input='label',
                            pixel_weight=pixel_weight)
        ckpt = Path(run)/'checkpoint.pt' if run else None
        if run: ckpt.parent.mkdir(parents=True, exist_ok=True)
        model, hist, sec = train(cfg, x, c, tr, va, seed, epochs, patience=None, lr=lr, monitor='loss',
                                 max_grad_norm=1.,   # 05: in 3D, clip
                                 checkpoint=ckpt, resume=ckpt is not None and ckpt.exists())
        save_checkpoint(out/'model.pt', model, overwrite=True)
        (out/'model.json').write_text(json.dumps(dict(history=hist, seconds=sec, seed=seed, lr=lr, style=style,
                                                           pixel_weight=pixel_weight, monitor='loss')))
        print(f'design3d model: {len(hist["train_loss"])} epochs, {sec:.0f} s', flush=True)
    model, training = load_model(out/'model.pt'), dict(structures=x[tr], c11=c[tr])
    answers, structures = [], []
    for t in targets:
        a = design(model, t, training=training, seed=seed, **STARTS3D)
        structures.append(a.pop('structures'))
        answers.append(a | dict(target=t))
        print(f'design3d {t} GPa: {a["message"]}, {a["seconds"]:.0f} s', flush=True)
        (out/'designs.json').write_text(json.dumps(dict(starts=STARTS3D, answers=answers)))
        np.savez_compressed(out/'structures.npz', *structures)


def multi(seed, epochs, patience=10):
    x, c = grf_three()
    tr, va, te = split_indices(len(x), seed=seed)
    model, hist, sec = train(vaereg_config(c[tr], x[tr], properties=('c11', 'c22', 'c12')), x, c, tr, va,
                             seed, epochs, patience=patience)
    save_checkpoint(RESULTS/'multi/vaereg.pt', model, overwrite=True)
    out = dict(seed=seed, test=te.tolist(), true=c[te].tolist(), pred=predict(model, x[te])[0].tolist(),
               seconds=sec, epochs=len(hist['train_loss']), patience=patience)
    (RESULTS/'multi/result.json').write_text(json.dumps(out))
    print(f'multi: {out["epochs"]} epochs, {sec:.0f} s', flush=True)


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('part', choices=['forward', 'inverse', 'multi', 'forward3d', 'physics', 'pixels', 'design3d'])
    ap.add_argument('--seeds', default='0')
    ap.add_argument('--epochs', type=int, default=40)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--methods', default=','.join(FORWARD), help='forward: which of ' + ', '.join(FORWARD))
    ap.add_argument('--priors', default='mixture,gaussian', help='inverse: which priors')
    ap.add_argument('--patience', type=int, default=10, help='multi, forward3d: early-stopping patience (0: none)')
    ap.add_argument('--monitor', default='reg', help="forward3d: the validation term that picks the epoch ('loss', 'reg')")
    ap.add_argument('--weight', type=float, default=0.1, help='physics: weight of the physics term')
    ap.add_argument('--pixel_weight', type=float, default=10., help='pixels, design3d: weight of the pixel term')
    ap.add_argument('--lr', type=float, default=2e-4, help='physics, pixels: the fine-tune\'s learning rate')
    ap.add_argument('--pixels_monitor', default=None, help="pixels: what picks the epoch (default 'phys', or 'pix')")
    ap.add_argument('--name', default='pixels', help='pixels: the saved model <name>.pt beside --start')
    ap.add_argument('--start', default='inverse/mixture.pt', help='physics, pixels: the model fine-tuned')
    ap.add_argument('--periodic', action='store_true', help='physics, pixels: pad around the torus, shift batches')
    ap.add_argument('--clip', type=float, default=None, help="forward3d: clip the gradients' norm at this")
    ap.add_argument('--out', default=str(DESIGN3D), help='design3d: where the model and designs go')
    ap.add_argument('--run', default=None, help='design3d: a folder for a checkpoint kept every epoch (resumable)')
    ap.add_argument('--style', default='s2', help="design3d: the style loss ('s2', 'random' filters on slices)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for part in ('forward', 'inverse', 'multi'): (RESULTS/part).mkdir(parents=True, exist_ok=True)
    extra = dict(forward=dict(methods=a.methods.split(',')), inverse=dict(priors=a.priors.split(',')),
                 multi=dict(patience=a.patience or None), physics=dict(weight=a.weight, lr=a.lr, start=a.start,
                                                                               periodic=a.periodic),
                 pixels=dict(weight=a.weight, lr=a.lr, pixel_weight=a.pixel_weight, name=a.name,
                             monitor=a.pixels_monitor, start=a.start, periodic=a.periodic),
                 forward3d=dict(methods=a.methods.split(','), patience=a.patience or None, monitor=a.monitor,
                                max_grad_norm=a.clip), design3d=dict(out=Path(a.out), run=a.run,
                                                                pixel_weight=a.pixel_weight, style=a.style))
    run = dict(pixels=physics).get(a.part) or globals()[a.part]
    for s in map(int, a.seeds.split(',')): run(s, a.epochs, **extra.get(a.part, {}))
