package dev.scalpel.core;

/*
 * Cholesky factorisation with diagonal pivoting of a symmetric positive semi-definite matrix, in double:
 * P H Pᵀ = L Lᵀ, stopping when the largest remaining diagonal falls to tol × the largest original one (the
 * numerical rank). solveBasic returns a solution of H y = r with the non-pivot components 0: exact when the
 * system is consistent (r in the range of H), and rounding along near-null directions is not amplified.
 */
final class PivotedCholesky {
  private PivotedCholesky() {
  }

  static double[] solveBasic(double[][] h, double[] r, double tol) {
    int n = r.length;
    double[][] l = new double[n][n];
    double[] diag = new double[n];
    int[] perm = new int[n];
    double maxDiag = 0;
    for (int i = 0; i < n; i++) {
      perm[i] = i;
      diag[i] = h[i][i];
      maxDiag = Math.max(maxDiag, diag[i]);
    }
    double cut = tol * maxDiag;
    int rank = 0;
    // l[i][j] holds row i (original index perm[i]) of L for columns j < rank
    for (int j = 0; j < n; j++) {
      int piv = j;
      for (int i = j + 1; i < n; i++) {
        if (diag[perm[i]] > diag[perm[piv]]) {
          piv = i;
        }
      }
      if (!(diag[perm[piv]] > cut) || maxDiag <= 0) {
        break;
      }
      int tmp = perm[j];
      perm[j] = perm[piv];
      perm[piv] = tmp;
      double[] row = l[j];
      l[j] = l[piv];
      l[piv] = row;
      int pj = perm[j];
      double d = Math.sqrt(diag[pj]);
      l[j][j] = d;
      for (int i = j + 1; i < n; i++) {
        int pi = perm[i];
        double s = h[pi][pj];
        for (int c = 0; c < j; c++) {
          s -= l[i][c] * l[j][c];
        }
        l[i][j] = s / d;
        diag[pi] -= l[i][j] * l[i][j];
      }
      rank++;
    }
    // forward: L11 z = P r (first rank rows), back: L11ᵀ y = z
    double[] z = new double[rank];
    for (int i = 0; i < rank; i++) {
      double s = r[perm[i]];
      for (int c = 0; c < i; c++) {
        s -= l[i][c] * z[c];
      }
      z[i] = s / l[i][i];
    }
    double[] yp = new double[rank];
    for (int i = rank - 1; i >= 0; i--) {
      double s = z[i];
      for (int c = i + 1; c < rank; c++) {
        s -= l[c][i] * yp[c];
      }
      yp[i] = s / l[i][i];
    }
    double[] y = new double[n];
    for (int i = 0; i < rank; i++) {
      y[perm[i]] = yp[i];
    }
    return y;
  }
}
