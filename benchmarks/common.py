"Helpers shared by the benchmark scripts (run as `python benchmarks/<name>.py`, so this folder is on sys.path)."
import time


def best_time(f, repeats):
    "Best wall time of `repeats` calls of f, after one warm-up call (robust to a busy machine), and the last result."
    out = f(); times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); out = f(); times.append(time.perf_counter() - t0)
    return min(times), out
