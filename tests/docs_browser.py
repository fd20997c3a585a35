"""Real-browser test of the docs pages with kernel-free widgets: 02_vae's latent explorer, 05_vaereg_gmm's
inverse-design explorer and 05a_design's explorer of designs must work in headless Chromium.

Renders each notebook (executed, with its widget state saved) to HTML with local copies of require.js and the
widget manager (@jupyter-widgets/html-manager, from npm), serves it on 127.0.0.1, and in headless Chromium moves the
slider (and, on 02_vae, picks another latent dimension), asserting that the visible image changes each time and that
the page reports no errors. Offline: nothing is fetched from a CDN.

    python tests/docs_browser.py --js node_modules      # folder holding @jupyter-widgets/html-manager and requirejs

Needs Debian's chromium (/usr/bin/chromium), playwright (Python; its own browser download is not used) and nbconvert.
"""
import argparse, functools, hashlib, http.server, shutil, subprocess, sys, tempfile, threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-quic']


PAGES = {'02_vae': True, '05_vaereg_gmm': False, '05a_design': False}   # notebook -> whether its explorer has a dropdown to test


def render(site:Path, js:Path, name:str) -> Path:
    "The notebook as HTML in `site`, pointing at local require.js and embed-amd.js (and the manager's fonts)."
    manager = js/'@jupyter-widgets'/'html-manager'/'dist'
    shutil.copy(js/'requirejs'/'require.js', site/'require.js')
    shutil.copytree(manager, site/'@jupyter-widgets'/'html-manager'/'dist', dirs_exist_ok=True)   # embed-amd.js
    for font in manager.iterdir():                                                   # the Play button's icon fonts,
        if font.suffix in ('.woff', '.woff2', '.ttf', '.eot', '.svg'): shutil.copy(font, site/'@jupyter-widgets')   # fetched from ./@jupyter-widgets/
    subprocess.run([sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'html', str(ROOT/'nbs'/f'{name}.ipynb'), '--output-dir', str(site),
                    '--HTMLExporter.require_js_url=require.js', '--HTMLExporter.mathjax_url=',
                    '--HTMLExporter.widget_renderer_url=@jupyter-widgets/html-manager/dist/embed-amd.js'], check=True, capture_output=True)
    return site/f'{name}.html'


def serve(site:Path, name:str) -> tuple:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f'http://127.0.0.1:{server.server_address[1]}/{name}.html'


def visible_image_hash(page) -> str:
    img = page.locator('.widget-image:visible').first
    img.wait_for(state='visible', timeout=20_000)
    return hashlib.sha256(img.screenshot()).hexdigest()


def check_page(js:Path, chromium:str, name:str, dropdown:bool):
    errors = []
    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        server, url = serve(Path(d), name) if render(Path(d), js, name) else (None, None)
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page()
        page.on('pageerror', lambda e: errors.append(f'page error: {e}'))
        page.on('console', lambda m: errors.append(f'console {m.type}: {m.text}') if m.type == 'error' and 'Failed to load resource' not in m.text else None)
        page.on('response', lambda r: errors.append(f'{r.status} for {r.url}') if r.status >= 400 else None)
        page.route('**/*', lambda route: route.continue_() if route.request.url.startswith('http://127.0.0.1') else route.abort())
        page.goto(url)
        page.wait_for_load_state('load')
        first = visible_image_hash(page)
        handle = page.locator('.widget-slider .noUi-handle').first
        handle.focus(); handle.press('End'); page.wait_for_timeout(500)
        moved = visible_image_hash(page)
        if dropdown:
            page.locator('.widget-dropdown select').first.select_option(index=1); page.wait_for_timeout(500)
        other = visible_image_hash(page) if dropdown else None
        browser.close(); server.shutdown()
    errors = [e for e in errors if 'favicon' not in e]
    print(f'{name}: image at start {first[:12]}, after the slider {moved[:12]}'
          + (f', after the dropdown {other[:12]}' if dropdown else '') + f'; page errors: {errors or "none"}')
    assert moved != first, f'{name}: moving the slider did not change the visible image'
    assert not dropdown or other != moved, f'{name}: choosing another dimension did not change the visible image'
    assert not errors, f'{name}: the page reported errors: {errors}'
    print(f'docs page {name}: the kernel-free explorer works')


def main(js:Path, chromium:str):
    for name, dropdown in PAGES.items(): check_page(js, chromium, name, dropdown)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--js', type=Path, required=True, help='node_modules folder with @jupyter-widgets/html-manager and requirejs')
    ap.add_argument('--chromium', default='/usr/bin/chromium', help='Chromium executable')
    args = ap.parse_args()
    main(args.js, args.chromium)
