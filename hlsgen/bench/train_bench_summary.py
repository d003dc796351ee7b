#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Summary of train_bench.sh's runs: per data set, the mean test accuracy of
each trainer over the seeds and the mean paired difference (for a seed both
trainers' lab-recipe runs start from the same initial weights) with its
standard error and a one-sided 95% bound (Student's t), then the issue's
bars:

  lab recipe:  hlsgen >= PyTorch - 0.3 points      (on the means)
  best recipe: hlsgen (PolynomialDecay) > PyTorch (lab recipe)
  time:        hlsgen seconds/epoch <= PyTorch's

A bar met on the means is also checked against the noise: "firm" when the
95% bound clears it too, "within noise" when it does not.

    train_bench_summary.py RESULTS.tsv
Rows: impl data recipe seed epochs s_per_epoch acc bitexact cpu_s_per_epoch init
"""
import math
import statistics as st
import sys

# one-sided 95% quantiles of Student's t, df 1..30 (beyond: 1.645)
T95 = [6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
       1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725,
       1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697]


def t95(df):
    return T95[min(max(int(df), 1), 30) - 1] if df < 31 else 1.645


def welch(a, b):
    """Mean difference a - b, its standard error and Welch's degrees of freedom."""
    va, vb = st.variance(a) / len(a), st.variance(b) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return st.mean(a) - st.mean(b), 0.0, 1e9
    df = (va + vb) ** 2 / (va * va / (len(a) - 1) + vb * vb / (len(b) - 1))
    return st.mean(a) - st.mean(b), se, df


def paired(h, t):
    """Per-seed differences h - t: their mean, standard error, degrees of freedom, the dict."""
    d = {k: h[k] - t[k] for k in h if k in t}
    v = list(d.values())
    if len(v) < 2:
        return (v[0] if v else math.nan), math.inf, 1, d
    return st.mean(v), st.stdev(v) / math.sqrt(len(v)), len(v) - 1, d


def by_seed(rows, impl, data, recipe):
    return {r[3]: 100 * float(r[6]) for r in rows
            if r[0] == impl and r[1] == data and r[2] == recipe}


def pick(rows, impl, data, recipe, col):
    return [float(r[col]) for r in rows if r[0] == impl and r[1] == data and r[2] == recipe]


def verdict(diff, se, df, floor):
    """'PASS firm' / 'PASS within noise' / 'MISS ...' for the bar diff >= floor."""
    lo, hi = diff - t95(df) * se, diff + t95(df) * se
    if diff >= floor:
        return "PASS", "firm" if lo >= floor else "within noise"
    return "MISS", "significant" if hi < floor else "within noise"


def main():
    rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
    print("\n== summary (test accuracy in %, QKeras-quantized forward pass; mean over seeds)")
    ok = True
    for data in dict.fromkeys(r[1] for r in rows):
        h = [100 * x for x in pick(rows, "hlsgen", data, "lab", 6)]
        t = [100 * x for x in pick(rows, "torch", data, "lab", 6)]
        g = [100 * x for x in pick(rows, "hlsgen", data, "gradual", 6)]
        if len(h) < 2 or len(t) < 2:
            print(f"{data:8s} fewer than 2 seeds per trainer: no statistics")
            ok = False
            continue
        be = [f"{100 * float(r[7]):.2f}" for r in rows
              if r[0] == "hlsgen" and r[1] == data and r[2] == "lab"]
        print(f"{data:8s} lab recipe (6-bit, 75% constant sparsity from step 0), "
              f"{len(h)} + {len(t)} runs:")
        print(f"{'':8s}   hlsgen {st.mean(h):6.2f} (sd {st.stdev(h):.2f}; "
              f"per seed {' '.join(f'{x:.2f}' for x in h)}; bit-exact {' '.join(be)})")
        print(f"{'':8s}   torch  {st.mean(t):6.2f} (sd {st.stdev(t):.2f}; "
              f"per seed {' '.join(f'{x:.2f}' for x in t)})")
        d, se, df, ds = paired(by_seed(rows, "hlsgen", data, "lab"),
                               by_seed(rows, "torch", data, "lab"))
        v = list(ds.values())
        print(f"{'':8s}   paired difference {d:+.2f} points over {len(v)} seeds "
              f"(sd {st.stdev(v) if len(v) > 1 else 0:.2f}), standard error {se:.2f}, "
              f"95% one-sided bound {d - t95(df) * se:+.2f}")
        for src in ("hlsgen", "torch"):
            sub = [ds[r[3]] for r in rows if r[0] == "hlsgen" and r[1] == data
                   and r[2] == "lab" and r[9:] == [src] and r[3] in ds]
            if sub:
                print(f"{'':8s}     from {src}'s initial weights: {st.mean(sub):+.2f} "
                      f"over {len(sub)} seeds")
        bars = [(verdict(d, se, df, -0.3), "lab recipe >= torch - 0.3")]
        if len(g) >= 2:
            dg, seg, dfg = welch(g, t)
            print(f"{data:8s} best recipe (PolynomialDecay 0 -> 75%): hlsgen {st.mean(g):6.2f} "
                  f"(sd {st.stdev(g):.2f}) vs torch lab {st.mean(t):6.2f}: {dg:+.2f} "
                  f"(standard error {seg:.2f})")
            bars.append((verdict(dg, seg, dfg, 1e-9), "best recipe > torch"))
        hs = pick(rows, "hlsgen", data, "lab", 5)
        ts = pick(rows, "torch", data, "lab", 5)
        hc = pick(rows, "hlsgen", data, "lab", 8)
        tc = pick(rows, "torch", data, "lab", 8)
        print(f"{data:8s} seconds/epoch: hlsgen {st.mean(hs):.3f}  torch {st.mean(ts):.3f}  "
              f"(x{st.mean(ts) / st.mean(hs):.2f}); CPU s/epoch (whole run): "
              f"hlsgen {st.mean(hc):.3f}  torch {st.mean(tc):.3f}")
        bars.append((("PASS" if st.mean(hs) <= st.mean(ts) else "MISS", "on the means"),
                     "epoch time <= torch"))
        for (res, how), what in bars:
            print(f"{data:8s}   {res}: {what} ({how})")
            ok = ok and res == "PASS"
    print("verdict:", "all bars met" if ok else "some bars missed (see MISS lines)")


if __name__ == "__main__":
    main()
