# Rounding error of larger Winograd tiles F(m×m, 3×3), a float32 model in numpy (not striate's
# kernels): why striate's 3×3 forwards stop at F(4×4) (and F(4×2)), and what F(6×6) or F(7×7)
# would cost. Toom-Cook matrices from the interpolation points (Aᵀ and G as Lavin's; Bᵀ solved so
# that the 1-D algorithm is exact in float64), then for random ReLU'd inputs and He-scaled
# weights: V = Bᵀ d B and M = Σ_c U ⊙ V in float32 (U rounded from float64), Y = Aᵀ M A, against
# the direct sums in float64. Printed: the worst error ÷ max|ref| and the worst element ÷ the
# conformance tolerance (1e-5·max|ref| + 1e-4·|ref|, test/backends/harness.ts). One sum over the
# channels: striate sums past 64 channels in chunks, which lowers F(4×4)'s figure (conv-paths.ts).
#   /usr/bin/python3 bench/winograd_tile_error.py
import numpy as np


def toom_cook(m, r, points):
    n = m + r - 1
    assert len(points) == n - 1, 'n - 1 finite points, and ∞'
    at, g = np.zeros((m, n)), np.zeros((n, r))
    for j, p in enumerate(points):
        f = np.prod([p - q for l, q in enumerate(points) if l != j])
        at[:, j] = [p ** i for i in range(m)]
        g[j, :] = [p ** k / f for k in range(r)]
    at[m - 1, n - 1] = g[n - 1, r - 1] = 1
    # Bᵀ from Σ_j Aᵀ[i, j] G[j, k] Bᵀ[j, t] = [t = i + k] for all i, k, t (exact in float64).
    rows, rhs = [], []
    for i in range(m):
        for k in range(r):
            for t in range(n):
                row = np.zeros((n, n))
                row[:, t] = at[i, :] * g[:, k]
                rows.append(row.ravel())
                rhs.append(1.0 if t == i + k else 0.0)
    bt = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0].reshape(n, n)
    return at, g, bt


def error(m, points, channels, tiles=64, seed=0):
    r = 3
    at, g, bt = toom_cook(m, r, points)
    n = m + r - 1
    rng = np.random.default_rng(seed)
    d = np.maximum(rng.standard_normal((tiles, channels, n, n)), 0).astype(np.float32)
    w = (rng.standard_normal((channels, r, r)) * np.sqrt(2 / (9 * channels))).astype(np.float32)
    ref = np.zeros((tiles, m, m))
    for i in range(m):
        for j in range(m):
            ref[:, i, j] = np.einsum('tcab,cab->t', d[:, :, i:i + r, j:j + r].astype(np.float64), w.astype(np.float64))
    f = np.float32
    u = np.einsum('ak,ckl,bl->cab', g, w.astype(np.float64), g).astype(f)
    v = np.einsum('ax,tcxy,by->tcab', bt.astype(f), d, bt.astype(f)).astype(f)
    y = np.einsum('ia,tab,jb->tij', at.astype(f), np.einsum('cab,tcab->tab', u, v).astype(f), at.astype(f)).astype(f)
    err, top = np.abs(y - ref), np.abs(ref).max()
    return err.max() / top, (err / (1e-5 * top + 1e-4 * np.abs(ref))).max()


TILES = [
    ('F(2×2)', 2, [0, 1, -1]),
    ('F(4×4)', 4, [0, 1, -1, 2, -2]),
    ('F(5×5), ½', 5, [0, 1, -1, 2, -2, 0.5]),
    ('F(6×6), ±½', 6, [0, 1, -1, 2, -2, 0.5, -0.5]),
    ('F(7×7), ±½, 3', 7, [0, 1, -1, 2, -2, 0.5, -0.5, 3]),
    ('F(7×7), ±½, ¼', 7, [0, 1, -1, 2, -2, 0.5, -0.5, 0.25]),
    ('F(7×7), ±½, 3/2', 7, [0, 1, -1, 2, -2, 0.5, -0.5, 1.5]),
    ('F(7×7), ±½, −3/2', 7, [0, 1, -1, 2, -2, 0.5, -0.5, -1.5]),
    ('F(7×7), ±½, 4', 7, [0, 1, -1, 2, -2, 0.5, -0.5, 4]),
]
for name, m, points in TILES:
    for channels in (64, 512):
        rel, worst = error(m, points, channels)
        print(f'{name:18s} {channels:4d} channels: worst error ÷ max|ref| {rel:.2e}, worst element ÷ tolerance {worst:.3f}')
