#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Independent golden values for the multi-task gradient aggregators.

Run with Debian's interpreter (numpy 1.24 / scipy 1.10), from this directory:

    /usr/bin/python3 golden_aggregators.py ../resources/dev/scalpel/core/golden-aggregators.tsv

Without an argument the table goes to standard output.

Output: one '#' comment line (how it was generated), then one line per (Jacobian, method):

    case  spec  k  P  J  w  d          (tab-separated)

J is the k x P Jacobian (row i = gradient g_i of loss i), row-major, comma-separated; w the k weights
and d = sum_i w_i g_i the P-vector of the aggregated direction.  Every number is written with Python's
repr() (shortest string that reads back to the same double).  All entries of J are exactly
representable as float32.

How this reference is computed (and why it is independent of an iterative implementation)
---------------------------------------------------------------------------------------
* The float32-exact entries of J are turned into exact rationals (fractions.Fraction), so the Gramian
  G = J J^T is EXACT.  A rank-deficient Gramian (rows duplicated, or k > P) is therefore exactly
  singular, and every singularity test below is an exact test against zero.
* Every quadratic program is solved by EXHAUSTIVE ENUMERATION of the active set / support, each
  candidate being an exact rational linear solve of the KKT system; the candidate whose KKT conditions
  hold exactly is the optimum (the problems are convex, so any KKT point is optimal).  Only supports
  whose KKT matrix is nonsingular are tried: the set of optimal weights is a polytope, and one of its
  vertices always has such a support, so nothing is missed (this replaces least squares on singular
  systems).  When the optimal weights are not unique (singular G: here only on dup3, for the three
  mgda variants, upgrad, upgrad:pref=1 and cagrad:c=1.5), the MINIMUM-NORM optimal weight vector is
  written (the minimum-norm point of the hull of the optimal vertices found), which is unique and
  symmetric in duplicated rows; d is always unique.  (On rand5b G is singular too, but every optimal
  weight vector there is unique.)
* Where an irrational number is unavoidable (square roots, the Nash-MTL equations, eigenvectors) it is
  carried as a rational rounded to BITS = 320 significant bits (about 1e-96 relative), so the written
  doubles are the correctly rounded values of the exact answers for all practical purposes.
* Each solution is verified: exactly (or to ~1e-60 in the 320-bit arithmetic) inside the solver, then
  again in float64 on the doubles that are written (KKT conditions to ~1e-12 relative; Nash-MTL's
  alpha_i (G alpha)_i = 1 to 1e-12), then loosely (1e-5) against scipy's own solvers (BVLS, SLSQP)
  and numpy's float64 eigh / pinv as a sanity check of the formulation.
* At the end, the published values of the TorchJD documentation tables (J and J3) are asserted to 1e-5.

Methods (spec column -> definition -> source):
  mean / sum              w_i = 1/k / w_i = 1.
  mgda                    w = argmin_{w in simplex} w^T G w.   (Desideri 2012, "Multiple-gradient descent
                          algorithm (MGDA) for multiobjective optimization"; Sener & Koltun 2018, "Multi-Task
                          Learning as Multi-Objective Optimization").
  mgda:normalization=l2   the same on the unit gradients u_i = g_i/|g_i|, giving w'; d = sum w'_i u_i, so
                          w_i = w'_i/|g_i|.  Solved in the substituted form x_i = w'_i/|g_i|:
                          min x^T G x  s.t.  x >= 0, sum_i |g_i| x_i = 1   (G exact, only |g_i| rounded).
  mgda:normalization=l2-weights   w_i = w'_i (the same w' applied to the raw gradients).
  upgrad                  w = sum_i v_i,  v_i = argmin_{v >= p_i e_i} v^T G v  (v_i >= p_i, v_j >= 0), p = 1/k.
                          (Quinton & Rey 2024, "Jacobian Descent for Multi-Objective Optimization", TorchJD).
  upgrad:reg=1e-4         same with G replaced by G/trace(G) + 1e-4 I (TorchJD's default normalisation and
                          regularisation), applied to the raw J.
  upgrad:pref=1           p_i = 1.
  dualproj                w = argmin_{v >= p} v^T G v, p = 1/k (TorchJD's DualProj, the GEM-style projection
                          of the mean onto the dual cone; Lopez-Paz & Ranzato 2017).
  cagrad:c=C[,rescale=R]  (Liu et al. 2021, "Conflict-Averse Gradient Descent for Multi-task Learning").
                          g0 = mean row, phi = C |g0|, a = G 1/k;
                          w = argmin_{w in simplex} a^T w + phi sqrt(w^T G w);  d = g0 + (phi/|g_w|) g_w,
                          g_w = J^T w, i.e. weights 1/k + (phi/|g_w|) w; rescale=1 divides by 1+C^2,
                          rescale=2 by 1+C.  Solved by support enumeration: with tau = sqrt(w^T G w)/phi the
                          KKT system G_SS w_S - nu 1 = -tau a_S, 1^T w_S = 1 is linear in tau,
                          w_S = w0 + tau w1, and phi^2 tau^2 = w^T G w is a quadratic in tau (one sqrt).
  nash-mtl[...]           (Navon et al. 2022, "Multi-Task Learning as a Bargaining Game").  alpha > 0 with
                          G alpha = 1/alpha, the unique minimiser of 1/2 a^T G a - sum log a_i; d = J^T alpha.
                          Default max-norm=1: if |d| > 1, alpha and d are scaled so that |d| = 1 (note that
                          |d|^2 = alpha^T G alpha = k at the solution, so this always scales by 1/sqrt(k)).
                          max-norm=0: no scaling.  normalization=frobenius: alpha solved on G/||G||_F.
                          Solved by damped Newton in float64, then polished by exact-rational Newton steps
                          (quadratic convergence) to ~1e-90.  Skipped when the gradients are Pareto
                          stationary (min-norm point of their hull = 0, exact test), where no alpha exists.
  imtl-g                  v = pinv(G) sqrt(diag G) (rank cut k*eps*sigma_max; here the rank is exact),
                          w = v / sum v.  (Liu et al. 2021, "Towards Impartial Multi-task Learning", ICLR.)
                          pinv(G) b is computed without an SVD: C = a maximal set of independent columns of
                          G (exact elimination), v = C y with (GC)^T(GC) y = (GC)^T b, the least-squares
                          solution of G v = b lying in range(G), i.e. the minimum-norm one.
  aligned-mtl[...]        (Senushkin et al. 2023, "Independent Component Alignment for Multi-Task Learning",
                          CVPR; TorchJD's AlignedMTL).  G = V L V^T, keep lambda > lambda_max k 2^-52,
                          B = sqrt(sigma) V_r L_r^{-1/2} V_r^T, w = B p.  sigma: scale=min (default) the
                          smallest kept eigenvalue, scale=median the lower median (ascending, index
                          (r-1)//2), scale=rmse their mean.  p = 1/k, or pref=1: p = 1.  The eigenpairs come
                          from a cyclic Jacobi iteration run in 320-bit rational arithmetic to convergence.
  pcgrad:lambda=1,ema=1,eps=0  (Yu et al. 2020, "Gradient Surgery for Multi-Task Learning"), k = 2:
                          g_i^PC = g_i - min(<g_i,g_j>,0)/|g_j|^2 g_j, d = g_0^PC + g_1^PC.  Exact rationals.
  bloop:lambda=L,ema=1,eps=0   (Hsieh et al. 2024, "Careful with that Scalpel: Improving Gradient Surgery
                          with an EMA", ICML; the k-loss priority form): Gram-Schmidt in priority order,
                          q_0 = g_0, q_h = g_h - sum_{l<h} <g_h,q_l>/|q_l|^2 q_l,
                          d = g_0 + sum_{j>=1} lambda_j q_j.  Exact rationals (no q is near the drop
                          tolerance on the cases used: asserted).  lambda=0.5/0.25 means lambda_1 = 0.5,
                          lambda_2 = 0.25.
  mixed:lambda=0.3        d = g_0 + 0.3 sum_{j>=1} g_j.
"""

import itertools
import math
import os
import platform
import sys
from fractions import Fraction as Fr

import numpy as np
import scipy
from scipy.optimize import lsq_linear, minimize

BITS = 320                      # precision of the rounded (irrational) quantities
ZERO = Fr(0)
ONE = Fr(1)
EPS52 = Fr(1, 2 ** 52)          # double machine epsilon, exactly
HP_TOL = Fr(1, 2 ** 200)        # tolerance of the 320-bit checks (relative)

# ----------------------------------------------------------------------------------------------------
# exact / high-precision scalar helpers
# ----------------------------------------------------------------------------------------------------


def rnd(x):
    """Round a Fraction to BITS significant bits (keeps iterated rationals small)."""
    x = Fr(x)
    if x == 0:
        return ZERO
    e = x.numerator.bit_length() - x.denominator.bit_length()
    sh = BITS - e
    if sh >= 0:
        return Fr(round(x * (1 << sh)), 1 << sh)
    return Fr(round(x / (1 << -sh)) << -sh)


def fsqrt(x):
    """sqrt of a nonnegative Fraction, to ~BITS+16 bits (integer square root), then rounded."""
    x = Fr(x)
    assert x >= 0, x
    if x == 0:
        return ZERO
    n, d = x.numerator, x.denominator
    nd = n * d                                   # sqrt(n/d) = sqrt(n d) / d
    m = max(0, BITS + 16 - nd.bit_length() // 2 + 1)
    r = math.isqrt(nd << (2 * m))
    return rnd(Fr(r, d << m))


def dot(a, b):
    return sum((x * y for x, y in zip(a, b)), ZERO)


def matvec(A, x):
    return [dot(row, x) for row in A]


def matmul(A, B):
    Bt = list(zip(*B))
    return [[dot(row, col) for col in Bt] for row in A]


def transpose(A):
    return [list(r) for r in zip(*A)]


def quad(G, x):
    return dot(x, matvec(G, x))


def sub(G, rows, cols):
    return [[G[i][j] for j in cols] for i in rows]


def solve(A, rhs_list):
    """Exact Gaussian elimination on Fractions. Returns the solutions (one per right-hand side) or None
    when A is singular (exact test)."""
    n = len(A)
    m = len(rhs_list)
    M = [list(A[i]) + [r[i] for r in rhs_list] for i in range(n)]
    for col in range(n):
        piv = None
        for r in range(col, n):
            if M[r][col] != 0:
                piv = r
                break
        if piv is None:
            return None
        M[col], M[piv] = M[piv], M[col]
        pv = M[col][col]
        Mc = M[col]
        for r in range(col + 1, n):
            f = M[r][col]
            if f != 0:
                f = f / pv
                Mr = M[r]
                for c in range(col, n + m):
                    Mr[c] -= f * Mc[c]
    X = []
    for j in range(m):
        x = [ZERO] * n
        for i in reversed(range(n)):
            s = M[i][n + j] - sum((M[i][c] * x[c] for c in range(i + 1, n)), ZERO)
            x[i] = s / M[i][i]
        X.append(x)
    return X


def independent_columns(A):
    """Indices of a maximal set of linearly independent columns (exact row reduction)."""
    M = [list(r) for r in A]
    rows, cols = len(M), len(M[0])
    piv_cols = []
    r = 0
    for c in range(cols):
        p = next((i for i in range(r, rows) if M[i][c] != 0), None)
        if p is None:
            continue
        M[r], M[p] = M[p], M[r]
        for i in range(r + 1, rows):
            if M[i][c] != 0:
                f = M[i][c] / M[r][c]
                for cc in range(c, cols):
                    M[i][cc] -= f * M[r][cc]
        piv_cols.append(c)
        r += 1
        if r == rows:
            break
    return piv_cols


def fl(v):
    return [float(x) for x in v]


def maxabs(v):
    return max((abs(x) for x in v), default=ZERO)


def subsets(k, min_size):
    for size in range(min_size, k + 1):
        for S in itertools.combinations(range(k), size):
            yield S


# ----------------------------------------------------------------------------------------------------
# the Jacobians
# ----------------------------------------------------------------------------------------------------


def f32(a):
    """Round to float32 and back: every entry is then exactly a float (the Java side feeds floats)."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def make_jacobians():
    cases = []
    cases.append(("J", f32([[-4, 1, 1], [6, 1, 1]])))
    cases.append(("J3", f32([[1, 0, 0, 2], [-1, 1, 0, 0], [0, -1, 1, -1]])))
    rng = np.random.default_rng(11)
    g0 = rng.standard_normal(5)
    noise = rng.standard_normal(5)
    # row 1 is formed from the unrounded row 0, then both rows are rounded to float32
    cases.append(("rand2", f32(np.vstack([g0, -0.5 * g0 + 0.3 * noise]))))     # conflicting pair
    cases.append(("rand3", f32(np.random.default_rng(12).standard_normal((3, 7)))))
    cases.append(("rand5", f32(np.random.default_rng(13).standard_normal((5, 10)))))
    cases.append(("rand5b", f32(np.random.default_rng(14).standard_normal((5, 4)))))  # k > P: rank 4
    g = f32(np.random.default_rng(15).standard_normal((2, 6)))
    cases.append(("dup3", np.vstack([g[0], g[1], g[1]])))                          # exact duplicate row
    cases.append(("rand8", f32(np.random.default_rng(16).standard_normal((8, 12)))))
    return cases


# ----------------------------------------------------------------------------------------------------
# quadratic programs by exact support / active-set enumeration
# ----------------------------------------------------------------------------------------------------


def min_norm_point(points, same=None):
    """Minimum-Euclidean-norm point of the convex hull of `points` (Fractions).  Used to make the written
    weights canonical when the optimal weights are not unique (singular G): the enumerated KKT
    candidates are exactly the vertices of the optimal polytope, so the minimum-norm optimal weight
    vector is the minimum-norm point of their hull -- itself a simplex QP on their Gram matrix."""
    same = same or (lambda a, b: a == b)
    uniq = []
    for p in points:
        if not any(same(p, q) for q in uniq):
            uniq.append(p)
    if len(uniq) == 1:
        return uniq[0]
    assert len(uniq) <= 14, len(uniq)
    M = [[dot(a, b) for b in uniq] for a in uniq]
    lam, _ = qp_simplex(M, [ONE] * len(uniq), canonical=False)
    return [sum((l * p[j] for l, p in zip(lam, uniq)), ZERO) for j in range(len(uniq[0]))]


def qp_simplex(G, c, canonical=True):
    """min x^T G x  s.t. x >= 0, c^T x = 1  (c > 0).  KKT: (G x)_S = mu c_S, (G x)_j >= mu c_j off S,
    x_S >= 0, and then mu = x^T G x.  Enumerates the supports S with a nonsingular bordered matrix
    [[G_SS, -c_S], [c_S^T, 0]] (exact), keeps the KKT points; all have the same mu and the same J^T x.
    canonical: return the minimum-norm optimal x (else the first optimal vertex)."""
    k = len(G)
    cands = []
    for S in subsets(k, 1):
        s = len(S)
        K = [[G[i][j] for j in S] + [-c[i]] for i in S] + [[c[j] for j in S] + [ZERO]]
        sol = solve(K, [[ZERO] * s + [ONE]])
        if sol is None:
            continue
        xs, mu = sol[0][:s], sol[0][s]
        if any(v < 0 for v in xs):
            continue
        x = [ZERO] * k
        for i, v in zip(S, xs):
            x[i] = v
        Gx = matvec(G, x)
        if any(Gx[j] < mu * c[j] for j in range(k) if j not in S):
            continue
        cands.append((S, x, mu))
    assert cands, "no KKT point found"
    S, x, mu = cands[0]
    for _, x2, mu2 in cands[1:]:
        assert mu2 == mu
        diff = [a - b for a, b in zip(x, x2)]
        assert quad(G, diff) == 0          # same J^T x
    if canonical:
        x = min_norm_point([t[1] for t in cands])
    # exact KKT check of the returned point
    Gx = matvec(G, x)
    assert dot(c, x) == 1 and all(v >= 0 for v in x)
    lam = [Gx[j] - mu * c[j] for j in range(k)]
    assert all(l >= 0 for l in lam) and all(l * v == 0 for l, v in zip(lam, x))
    assert quad(G, x) == mu
    return x, mu


def qp_box(G, l):
    """min v^T G v  s.t. v >= l.  KKT: lambda = G v >= 0, lambda_j (v_j - l_j) = 0.  Enumerates the free
    sets F (v_A = l_A on the complement) with G_FF nonsingular: G_FF v_F = -G_FA l_A.  Returns the
    minimum-norm optimal v (unique; it differs from the vertex only when G is singular)."""
    k = len(G)
    cands = []
    for F in subsets(k, 0):
        A = [j for j in range(k) if j not in F]
        v = list(l)
        if F:
            rhs = [-sum((G[i][j] * l[j] for j in A), ZERO) for i in F]
            sol = solve(sub(G, F, F), [rhs])
            if sol is None:
                continue
            if any(sol[0][t] < l[i] for t, i in enumerate(F)):
                continue
            for t, i in enumerate(F):
                v[i] = sol[0][t]
        Gv = matvec(G, v)
        if any(Gv[j] < 0 for j in A):
            continue
        cands.append((F, v))
    assert cands, "no KKT point found"
    F, v = cands[0]
    obj = quad(G, v)
    for _, v2 in cands[1:]:
        assert quad(G, v2) == obj
        assert quad(G, [a - b for a, b in zip(v, v2)]) == 0
    v = min_norm_point([t[1] for t in cands])
    Gv = matvec(G, v)
    assert all(a >= b for a, b in zip(v, l))
    assert all(g >= 0 for g in Gv) and all(g * (a - b) == 0 for g, a, b in zip(Gv, v, l))
    return v


# ----------------------------------------------------------------------------------------------------
# float64 verification of the written solutions (KKT to ~1e-12 relative)
# ----------------------------------------------------------------------------------------------------

F64_TOL = 1e-12


def _complementarity_ok(lam, slack, lam_scale, slack_scale):
    for a, s in zip(lam, slack):
        if a < -F64_TOL * lam_scale or s < -F64_TOL * slack_scale:
            return False
        if min(abs(a) / lam_scale, abs(s) / slack_scale) > F64_TOL:
            return False
    return True


def verify_simplex_f64(G, c, x):
    Gf, cf, xf = np.array(G, float), np.array(c, float), np.array(x, float)
    assert abs(cf @ xf - 1) < 1e-14
    mu = xf @ Gf @ xf
    lam = Gf @ xf - mu * cf
    scale = np.abs(Gf).max() * np.abs(xf).sum() + 1e-300
    assert _complementarity_ok(lam, xf, scale, np.abs(xf).max()), (lam, xf)


def verify_box_f64(G, l, v):
    Gf, lf, vf = np.array(G, float), np.array(l, float), np.array(v, float)
    lam = Gf @ vf
    scale = np.abs(Gf).max() * np.abs(vf).sum()
    assert _complementarity_ok(lam, vf - lf, scale, np.abs(vf).max()), (lam, vf - lf)


def verify_cagrad_f64(G, phi, w):
    Gf, wf = np.array(G, float), np.array(w, float)
    k = len(wf)
    a = Gf @ np.ones(k) / k
    assert abs(wf.sum() - 1) < 1e-14 and (wf >= 0).all()
    s = math.sqrt(wf @ Gf @ wf)
    grad = a + phi * (Gf @ wf) / s
    mu = wf @ grad
    scale = np.abs(a).max() + phi * math.sqrt(np.abs(Gf).max())
    assert _complementarity_ok(grad - mu, wf, scale, 1.0), (grad - mu, wf)


# ----------------------------------------------------------------------------------------------------
# loose scipy cross-checks (different algorithms, float64, 1e-5): catch formulation mistakes
# ----------------------------------------------------------------------------------------------------

XCHECK = 1e-5


def _factor(G):
    """R with R^T R = G (from float64 eigh), so that v^T G v = |R v|^2."""
    lam, V = np.linalg.eigh(np.array(G, float))
    return np.diag(np.sqrt(np.clip(lam, 0, None))) @ V.T


def xcheck_box(G, l, v):
    R = _factor(G)
    lf = np.array(l, float)
    res = lsq_linear(R, np.zeros(len(lf)), bounds=(lf, np.full(len(lf), np.inf)), method="bvls",
                     tol=1e-15, lsmr_tol="auto", max_iter=10000)
    ref = R @ res.x
    got = R @ np.array(v, float)
    scale = max(1.0, np.linalg.norm(got))
    assert np.linalg.norm(ref - got) < XCHECK * scale, (ref, got)


def xcheck_simplex(G, c, x):
    R = _factor(G)
    cf = np.array(c, float)
    k = len(cf)
    res = minimize(lambda z: float(np.sum((R @ z) ** 2)), np.ones(k) / cf.sum(),
                   jac=lambda z: 2 * R.T @ (R @ z), method="SLSQP",
                   bounds=[(0, None)] * k,
                   constraints=[{"type": "eq", "fun": lambda z: cf @ z - 1, "jac": lambda z: cf}],
                   options={"ftol": 1e-16, "maxiter": 2000})
    ref, got = R @ res.x, R @ np.array(x, float)
    assert np.linalg.norm(ref - got) < XCHECK * max(1.0, np.linalg.norm(got)), (ref, got)


def xcheck_cagrad(G, phi, w):
    R = _factor(G)
    k = len(G)
    a = np.array(G, float) @ np.ones(k) / k

    def F(z):
        return float(a @ z + phi * np.linalg.norm(R @ z))

    best = None
    for start in [np.ones(k) / k] + [np.eye(k)[i] * 0.9 + 0.1 / k for i in range(k)]:
        res = minimize(F, start, method="SLSQP", bounds=[(0, None)] * k,
                       constraints=[{"type": "eq", "fun": lambda z: z.sum() - 1}],
                       options={"ftol": 1e-16, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    wf = np.array(w, float)
    assert F(wf) <= best.fun + 1e-9 * max(1.0, abs(best.fun)), (F(wf), best.fun)
    ref, got = R @ best.x, R @ wf
    assert np.linalg.norm(ref - got) < 1e-4 * max(1.0, np.linalg.norm(got)), (ref, got)


# ----------------------------------------------------------------------------------------------------
# the methods (each returns the k weights as Fractions; d = J^T w is formed by the caller)
# ----------------------------------------------------------------------------------------------------


def w_mean(G):
    k = len(G)
    return [Fr(1, k)] * k


def w_sum(G):
    return [ONE] * len(G)


def w_mgda(G):
    k = len(G)
    c = [ONE] * k
    x, _ = qp_simplex(G, c)
    verify_simplex_f64(G, c, x)
    xcheck_simplex(G, c, x)
    return x


def w_mgda_l2(G, weights_only):
    k = len(G)
    n = [fsqrt(G[i][i]) for i in range(k)]          # |g_i|
    x, _ = qp_simplex(G, n)                        # x_i = w'_i / |g_i|
    verify_simplex_f64(G, n, x)
    xcheck_simplex(G, n, x)
    # cross-check against the direct formulation on the unit-gradient Gramian (float64)
    Gu = [[G[i][j] / (n[i] * n[j]) for j in range(k)] for i in range(k)]
    wprime = [n[i] * x[i] for i in range(k)]
    verify_simplex_f64(Gu, [ONE] * k, wprime)
    return wprime if weights_only else x


def upgrad_vs(G, p):
    k = len(G)
    vs = []
    for i in range(k):
        l = [ZERO] * k
        l[i] = p[i]
        v = qp_box(G, l)
        verify_box_f64(G, l, v)
        xcheck_box(G, l, v)
        vs.append(v)
    return vs


def w_upgrad(G, pref=None, reg=None):
    k = len(G)
    p = [Fr(1, k)] * k if pref is None else [Fr(pref)] * k
    H = G
    if reg is not None:
        tr = sum(G[i][i] for i in range(k))
        H = [[G[i][j] / tr + (reg if i == j else ZERO) for j in range(k)] for i in range(k)]
    vs = upgrad_vs(H, p)
    return [sum((v[j] for v in vs), ZERO) for j in range(k)]


def w_dualproj(G):
    k = len(G)
    l = [Fr(1, k)] * k
    v = qp_box(G, l)
    verify_box_f64(G, l, v)
    xcheck_box(G, l, v)
    return v


def w_cagrad(G, c, rescale=0):
    k = len(G)
    a = [sum(row, ZERO) / k for row in G]                       # a = G 1/k  (= J g0)
    phi2 = c * c * sum((sum(row, ZERO) for row in G), ZERO) / (k * k)   # phi^2 = c^2 |g0|^2
    phi = fsqrt(phi2)
    gscale = max(abs(x) for row in G for x in row)
    tol = HP_TOL * gscale
    cands = []
    for S in subsets(k, 1):
        s = len(S)
        K = [[G[i][j] for j in S] + [-ONE] for i in S] + [[ONE] * s + [ZERO]]
        sol = solve(K, [[ZERO] * s + [ONE], [-a[i] for i in S] + [ZERO]])
        if sol is None:
            continue
        w0, nu0 = sol[0][:s], sol[0][s]
        w1, nu1 = sol[1][:s], sol[1][s]
        GS = sub(G, S, S)
        A = quad(GS, w0)
        B = dot(w0, matvec(GS, w1))
        C = quad(GS, w1)
        qa = phi2 - C                      # (phi^2 - C) tau^2 - 2 B tau - A = 0
        taus = []
        if qa == 0:
            if B != 0:
                taus.append(-A / (2 * B))
        else:
            D = B * B + A * qa
            if D < 0:
                continue
            sD = fsqrt(D)
            taus += [(B + sD) / qa, (B - sD) / qa]
        for tau in taus:
            if tau <= 0:
                continue
            tau = rnd(tau)
            ws = [rnd(u + tau * v) for u, v in zip(w0, w1)]
            nu = nu0 + tau * nu1
            if any(v < -HP_TOL for v in ws):
                continue
            w = [ZERO] * k
            for i, v in zip(S, ws):
                w[i] = max(v, ZERO)
            Gw = matvec(G, w)
            if any(tau * a[j] + Gw[j] - nu < -tol * (1 + tau) for j in range(k) if j not in S):
                continue
            sw = fsqrt(quad(G, w))
            if sw == 0:
                continue
            obj = dot(a, w) + phi * sw
            cands.append((obj, S, w, sw))
    assert cands, "no CAGrad KKT point"
    cands.sort(key=lambda t: t[0])
    obj, S, w, sw = cands[0]
    opt = [t[2] for t in cands if t[0] - obj < HP_TOL * (abs(obj) + gscale)]
    for w2 in opt[1:]:
        assert quad(G, [x - y for x, y in zip(w, w2)]) < HP_TOL * gscale     # same g_w
    # canonical choice when the optimal w is not unique (singular G): the minimum-norm one
    w = min_norm_point(opt, same=lambda p, q: maxabs([x - y for x, y in zip(p, q)]) < HP_TOL)
    w = [rnd(x) for x in w]
    sw = fsqrt(quad(G, w))
    # high-precision KKT check: grad_j = a_j + phi (G w)_j / s equal to mu on the support, >= mu off it
    wsum = sum(w, ZERO)
    assert abs(wsum - 1) < HP_TOL
    Gw = matvec(G, w)
    grad = [a[j] + phi * Gw[j] / sw for j in range(k)]
    mu = dot(w, grad)
    for j in range(k):
        if w[j] > HP_TOL:
            assert abs(grad[j] - mu) < tol * 4, (grad[j] - mu)
        else:
            assert grad[j] - mu > -tol * 4
    verify_cagrad_f64(G, float(phi), w)
    xcheck_cagrad(G, float(phi), w)
    W = [Fr(1, k) + phi / sw * x for x in w]
    if rescale == 1:
        W = [x / (1 + c * c) for x in W]
    elif rescale == 2:
        W = [x / (1 + c) for x in W]
    return W


def nash_alpha(G):
    """alpha > 0 with alpha_i (G alpha)_i = 1: damped Newton on 1/2 a^T G a - sum log a (float64), then
    Newton polishing in exact rationals rounded to BITS bits."""
    k = len(G)
    Gf = np.array(G, float)
    al = 1.0 / np.sqrt(np.diag(Gf) * k)

    def f(z):
        return 0.5 * z @ Gf @ z - np.sum(np.log(z))

    for _ in range(1000):
        r = Gf @ al - 1.0 / al
        if np.max(np.abs(al * (Gf @ al) - 1)) < 1e-12:
            break
        H = Gf + np.diag(1.0 / al ** 2)
        step = np.linalg.solve(H, r)
        t, f0, dec = 1.0, f(al), r @ step
        while True:
            cand = al - t * step
            if (cand > 0).all() and f(cand) <= f0 - 1e-4 * t * dec:
                break
            t *= 0.5
            if t < 1e-20:
                break
        al = cand
    A = [Fr(float(x)) for x in al]
    for _ in range(40):
        GA = matvec(G, A)
        res = max(abs(A[i] * GA[i] - 1) for i in range(k))
        if res < Fr(1, 2 ** 280):
            break
        r = [GA[i] - 1 / A[i] for i in range(k)]
        H = [[G[i][j] + (1 / (A[i] * A[i]) if i == j else ZERO) for j in range(k)] for i in range(k)]
        step = solve(H, [r])[0]
        A = [rnd(A[i] - step[i]) for i in range(k)]
    else:
        raise AssertionError("Nash-MTL polishing did not converge")
    assert all(x > 0 for x in A)
    GA = matvec(G, A)
    assert max(abs(A[i] * GA[i] - 1) for i in range(k)) < Fr(1, 2 ** 250)
    Af = np.array(fl(A))
    assert np.max(np.abs(Af * (Gf @ Af) - 1)) < 1e-12          # float64 check on the written numbers
    return A


def w_nash(G, max_norm=1, frobenius=False):
    H = G
    if frobenius:
        fro = fsqrt(sum((x * x for row in G for x in row), ZERO))
        H = [[rnd(x / fro) for x in row] for row in G]
    A = nash_alpha(H)
    if frobenius:
        # consistency: solving on G/c gives sqrt(c) times the alpha of G
        A0 = nash_alpha(G)
        sc = fsqrt(fro)
        assert max(abs(x - sc * y) for x, y in zip(A, A0)) < HP_TOL * max(A)
    if max_norm > 0:
        dn = fsqrt(quad(G, A))                    # |J^T alpha|
        if dn > max_norm:
            A = [x * max_norm / dn for x in A]
    return A


def jacobi_eigh(G):
    """Cyclic Jacobi eigenvalue iteration (Numerical Recipes' rotation) in BITS-bit rationals."""
    k = len(G)
    A = [[rnd(x) for x in row] for row in G]
    V = [[ONE if i == j else ZERO for j in range(k)] for i in range(k)]
    norm2 = sum((x * x for row in G for x in row), ZERO)
    for sweep in range(80):
        off = sum((A[p][q] ** 2 for p in range(k) for q in range(p + 1, k)), ZERO)
        if off <= norm2 * Fr(1, 2 ** 600):
            break
        for p in range(k - 1):
            for q in range(p + 1, k):
                apq = A[p][q]
                if apq == 0:
                    continue
                theta = (A[q][q] - A[p][p]) / (2 * apq)
                t = (ONE if theta >= 0 else -ONE) / (abs(theta) + fsqrt(theta * theta + 1))
                t = rnd(t)
                c = rnd(1 / fsqrt(t * t + 1))
                s = rnd(t * c)
                A[p][p] = rnd(A[p][p] - t * apq)
                A[q][q] = rnd(A[q][q] + t * apq)
                A[p][q] = A[q][p] = ZERO
                for r in range(k):
                    if r != p and r != q:
                        arp, arq = A[r][p], A[r][q]
                        A[r][p] = A[p][r] = rnd(c * arp - s * arq)
                        A[r][q] = A[q][r] = rnd(s * arp + c * arq)
                for r in range(k):
                    vrp, vrq = V[r][p], V[r][q]
                    V[r][p] = rnd(c * vrp - s * vrq)
                    V[r][q] = rnd(s * vrp + c * vrq)
    else:
        raise AssertionError("Jacobi did not converge")
    lam = [A[i][i] for i in range(k)]
    # checks: V orthogonal and V diag(lam) V^T = G
    for i in range(k):
        for j in range(k):
            vv = sum((V[r][i] * V[r][j] for r in range(k)), ZERO)
            assert abs(vv - (1 if i == j else 0)) < HP_TOL
            rec = sum((V[i][r] * lam[r] * V[j][r] for r in range(k)), ZERO)
            assert abs(rec - G[i][j]) ** 2 < HP_TOL ** 2 * norm2
    return lam, V


_EIG_CACHE = {}


def eig_cached(key, G):
    if key not in _EIG_CACHE:
        _EIG_CACHE[key] = jacobi_eigh(G)
    return _EIG_CACHE[key]


def kept_eigen(lam, k):
    lmax = max(lam)
    tol = lmax * k * EPS52
    kept = [i for i in range(k) if lam[i] > tol]
    # the rank decision is robust: dropped ones are exact zeros (up to the 320-bit noise), kept ones
    # are far above the cut
    for i in range(k):
        if i in kept:
            assert lam[i] > tol * 1000, ("kept eigenvalue close to the cut", lam[i] / lmax)
        else:
            assert abs(lam[i]) < lmax * HP_TOL, ("dropped eigenvalue not zero", lam[i] / lmax)
    return kept


def w_aligned(G, key, scale="min", pref=None):
    k = len(G)
    lam, V = eig_cached(key, G)
    kept = kept_eigen(lam, k)
    ks = sorted(lam[i] for i in kept)
    r = len(ks)
    if scale == "min":
        sigma = ks[0]
    elif scale == "median":
        sigma = ks[(r - 1) // 2]
    elif scale == "rmse":
        sigma = sum(ks, ZERO) / r
    else:
        raise ValueError(scale)
    p = [Fr(1, k)] * k if pref is None else [Fr(pref)] * k
    ssig = fsqrt(sigma)
    B = [[sum((ssig / fsqrt(lam[t]) * V[i][t] * V[j][t] for t in kept), ZERO) for j in range(k)]
         for i in range(k)]
    w = matvec(B, p)
    # checks: B G B = sigma * P_range, and G = P_range G
    BGB = matmul(matmul(B, G), B)
    PR = [[sum((V[i][t] * V[j][t] for t in kept), ZERO) for j in range(k)] for i in range(k)]
    for i in range(k):
        for j in range(k):
            assert abs(BGB[i][j] - sigma * PR[i][j]) < HP_TOL * sigma
    PRG = matmul(PR, G)
    gscale = max(abs(x) for row in G for x in row)
    assert all(abs(PRG[i][j] - G[i][j]) < HP_TOL * gscale for i in range(k) for j in range(k))
    # float64 sanity check with numpy's eigh (same formula, different eigen solver)
    lf, Vf = np.linalg.eigh(np.array(G, float))
    keepf = lf > lf.max() * k * 2.0 ** -52
    lk = np.sort(lf[keepf])
    sf = {"min": lk[0], "median": lk[(len(lk) - 1) // 2], "rmse": lk.mean()}[scale]
    Bf = math.sqrt(sf) * Vf[:, keepf] @ np.diag(lf[keepf] ** -0.5) @ Vf[:, keepf].T
    wf = Bf @ np.array(p, float)
    assert np.allclose(wf, fl(w), rtol=1e-7, atol=1e-7 * np.abs(wf).max()), (wf, fl(w))
    return w


def w_imtlg(G, key):
    k = len(G)
    b = [fsqrt(G[i][i]) for i in range(k)]
    idx = independent_columns(G)
    if len(idx) == k:
        v = solve(G, [b])[0]
    else:
        C = [[G[i][j] for j in idx] for i in range(k)]          # basis of range(G)
        GC = matmul(G, C)
        GCt = transpose(GC)
        y = solve(matmul(GCt, GC), [matvec(GCt, b)])[0]
        v = matvec(C, y)
    # checks: the residual is orthogonal to range(G) (G (G v - b) = 0); v in range(G) by construction;
    # the exact rank agrees with the eigenvalue cut used by pinv (rcond = k eps)
    res = [x - y for x, y in zip(matvec(G, v), b)]
    gscale = max(abs(x) for row in G for x in row)
    assert maxabs(matvec(G, res)) < HP_TOL * gscale * (1 + maxabs(b))
    lam, _ = eig_cached(key, G)
    assert len(kept_eigen(lam, k)) == len(idx)
    Gf = np.array(G, float)
    vf = np.linalg.pinv(Gf, rcond=k * np.finfo(float).eps) @ np.sqrt(np.diag(Gf))
    assert np.allclose(vf, fl(v), rtol=1e-7, atol=1e-7 * np.abs(vf).max()), (vf, fl(v))
    sv = sum(v, ZERO)
    assert sv > 0
    return [x / sv for x in v]


def w_pcgrad(G):
    assert len(G) == 2
    g01 = G[0][1]
    m = min(g01, ZERO)
    c01 = m / G[1][1]          # g_0^PC = g_0 - c01 g_1
    c10 = m / G[0][0]          # g_1^PC = g_1 - c10 g_0
    return [1 - c10, 1 - c01]


def w_bloop(G, lambdas):
    k = len(G)
    R = []                      # q_h = sum_l R[h][l] g_l
    for h in range(k):
        r = [ONE if j == h else ZERO for j in range(k)]
        for l in range(h):
            ql = R[l]
            num = dot(ql, G[h])                    # <g_h, q_l>
            den = quad(G, ql)                      # |q_l|^2
            r = [x - num / den * y for x, y in zip(r, ql)]
        assert quad(G, r) > G[h][h] * Fr(1, 10 ** 6), "q_h close to the drop tolerance"
        R.append(r)
    w = [ONE if j == 0 else ZERO for j in range(k)]
    for j in range(1, k):
        w = [x + lambdas[j - 1] * y for x, y in zip(w, R[j])]
    return w


def w_mixed(G, lam):
    k = len(G)
    return [ONE] + [lam] * (k - 1)


# ----------------------------------------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------------------------------------


def methods_for(name, k, P, stationary):
    """(spec, function of G) for every method defined on this Jacobian."""
    m = [
        ("mean", lambda G: w_mean(G)),
        ("sum", lambda G: w_sum(G)),
        ("mgda", lambda G: w_mgda(G)),
        ("mgda:normalization=l2", lambda G: w_mgda_l2(G, False)),
        ("mgda:normalization=l2-weights", lambda G: w_mgda_l2(G, True)),
        ("upgrad", lambda G: w_upgrad(G)),
        ("upgrad:reg=1e-4", lambda G: w_upgrad(G, reg=Fr(1, 10000))),
        ("upgrad:pref=1", lambda G: w_upgrad(G, pref=1)),
        ("dualproj", lambda G: w_dualproj(G)),
    ]
    if not stationary:
        m += [
            ("cagrad:c=0.5", lambda G: w_cagrad(G, Fr(1, 2))),
            ("cagrad:c=0.5,rescale=1", lambda G: w_cagrad(G, Fr(1, 2), rescale=1)),
            ("cagrad:c=0.5,rescale=2", lambda G: w_cagrad(G, Fr(1, 2), rescale=2)),
            ("cagrad:c=1.5", lambda G: w_cagrad(G, Fr(3, 2))),
            ("nash-mtl", lambda G: w_nash(G, max_norm=1)),
            ("nash-mtl:max-norm=0", lambda G: w_nash(G, max_norm=0)),
            ("nash-mtl:max-norm=0,normalization=frobenius",
             lambda G: w_nash(G, max_norm=0, frobenius=True)),
        ]
    m += [
        ("imtl-g", lambda G: w_imtlg(G, name)),
        ("aligned-mtl", lambda G: w_aligned(G, name)),
        ("aligned-mtl:scale=median", lambda G: w_aligned(G, name, scale="median")),
        ("aligned-mtl:scale=rmse", lambda G: w_aligned(G, name, scale="rmse")),
        ("aligned-mtl:pref=1", lambda G: w_aligned(G, name, pref=1)),
    ]
    if k == 2:
        m.append(("pcgrad:lambda=1,ema=1,eps=0", lambda G: w_pcgrad(G)))
    if name in ("J3", "rand3", "rand5"):
        m.append(("bloop:lambda=1,ema=1,eps=0", lambda G: w_bloop(G, [ONE] * (k - 1))))
    if name in ("J3", "rand3"):
        m.append(("bloop:lambda=0.5/0.25,ema=1,eps=0", lambda G: w_bloop(G, [Fr(1, 2), Fr(1, 4)])))
    m.append(("mixed:lambda=0.3", lambda G: w_mixed(G, Fr(3, 10))))
    return m


def fmt(xs):
    """Comma-separated repr() of the doubles nearest to xs.  A component below 2^-200 of the vector's
    largest one is 320-bit noise around an exact zero (e.g. the first component of d for cagrad:c=1.5
    on J, which is exactly 0 by the first-order condition) and is written as 0.0."""
    m = maxabs(xs)
    return ",".join(repr(float(ZERO if abs(x) <= m * HP_TOL else x)) for x in xs)


def main(argv):
    out_path = argv[1] if len(argv) > 1 else None
    lines = ["# generated by scalpel-core/src/test/python/golden_aggregators.py (Python %s, numpy %s, "
             "scipy %s): exact rational / %d-bit enumeration of active sets, independent of the Java "
             "solvers; columns: case spec k P J(row-major) w d"
             % (platform.python_version(), np.__version__, scipy.__version__, BITS)]
    results = {}
    notes = []
    for name, Jf in make_jacobians():
        k, P = Jf.shape
        assert (Jf.astype(np.float32).astype(np.float64) == Jf).all()
        J = [[Fr(float(x)) for x in row] for row in Jf]
        G = [[dot(J[i], J[j]) for j in range(k)] for i in range(k)]
        # Pareto stationarity: min-norm point of the convex hull of the gradients is exactly 0
        _, mgda_obj = qp_simplex(G, [ONE] * k)
        stationary = mgda_obj == 0
        if stationary:
            notes.append("%s: gradients Pareto-stationary; cagrad and nash-mtl skipped" % name)
        rank = len(independent_columns(G))
        lf = np.linalg.eigvalsh(np.array(G, float))
        notes.append("%s: k=%d P=%d rank(G)=%d, min-norm^2 of hull=%.6g; float64 eigvalsh of G / "
                     "(lambda_max k 2^-52) = %s"
                     % (name, k, P, rank, float(mgda_obj),
                        ", ".join("%.3g" % x for x in lf / (lf.max() * k * 2.0 ** -52))))
        if name == "rand2":
            assert G[0][1] < 0, "rand2 rows must conflict"
        for spec, fn in methods_for(name, k, P, stationary):
            w = fn(G)
            assert len(w) == k
            d = [sum((w[i] * J[i][p] for i in range(k)), ZERO) for p in range(P)]
            results[(name, spec)] = (fl(w), fl(d))
            lines.append("\t".join([name, spec, str(k), str(P),
                                    ",".join(repr(float(x)) for row in Jf for x in row),
                                    fmt(w), fmt(d)]))
            print("%-7s %-45s done" % (name, spec), file=sys.stderr)
    check_published(results)
    text = "\n".join(lines) + "\n"
    if out_path:
        with open(out_path, "w") as fh:
            fh.write(text)
        print("wrote %d lines to %s" % (len(lines), out_path), file=sys.stderr)
    else:
        sys.stdout.write(text)
    for n in notes:
        print("note: " + n, file=sys.stderr)


def check_published(results):
    """The published values (TorchJD documentation tables) to 1e-5."""
    def close(got, want, what):
        assert len(got) == len(want) and all(abs(a - b) <= 1e-5 for a, b in zip(got, want)), \
            (what, got, want)

    pub_d = {
        "mgda": [0, 1, 1],
        "upgrad": [0.29240, 1.90058, 1.90058],
        "dualproj": [0.55556, 1.11111, 1.11111],
        "pcgrad:lambda=1,ema=1,eps=0": [0.58480, 3.80117, 3.80117],
        "imtl-g": [0.07670, 1, 1],
        "aligned-mtl": [0.21328, 0.96733, 0.96733],
        "cagrad:c=0.5": [0.18350, 1.20412, 1.20412],
        "nash-mtl": [0.05415, 0.70607, 0.70607],
    }
    for spec, want in pub_d.items():
        close(results[("J", spec)][1], want, ("J", spec, "d"))
    close(results[("J", "mgda")][0], [0.6, 0.4], ("J", "mgda", "w"))
    pub_w3 = {
        "mgda": [0.254237, 0.389831, 0.355932],
        "upgrad": [0.670034, 0.925926, 0.878788],
        "imtl-g": [0.262704, 0.379351, 0.357945],
    }
    for spec, want in pub_w3.items():
        close(results[("J3", spec)][0], want, ("J3", spec, "w"))
    print("published values reproduced (1e-5)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
