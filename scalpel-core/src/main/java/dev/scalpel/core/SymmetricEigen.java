package dev.scalpel.core;

/*
 * Eigen-decomposition of a small symmetric matrix in double by the cyclic Jacobi method (Golub & Van Loan §8.5):
 * A = V diag(λ) Vᵀ, λ sorted in decreasing order, V orthonormal (columns are eigenvectors). Jacobi is
 * accurate to a few ulps of |A| for every eigenvalue and cannot fail on a symmetric input; it stops when the
 * off-diagonal mass is below 1e-30 of |A|² (or exactly zero), and throws SolverFailedException after 100 sweeps
 * (not seen: it converges quadratically, in about 6-10 sweeps for k ≤ 64).
 */
final class SymmetricEigen {
  final double[] values;
  /** vectors[i][c]: component i of eigenvector c. */
  final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  static SymmetricEigen of(double[][] m, String method) {
    int n = m.length;
    double[][] a = new double[n][];
    double[][] v = new double[n][n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      a[i] = m[i].clone();
      v[i][i] = 1;
      for (int j = 0; j < n; j++) {
        total += m[i][j] * m[i][j];
      }
    }
    int sweeps = 0;
    while (true) {
      double off = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off == 0 || off <= 1e-30 * total) {
        break;
      }
      if (++sweeps > 100) {
        throw new SolverFailedException(method + ": Jacobi eigensolver did not converge in 100 sweeps (k=" + n
            + ")");
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (apq == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          if (Double.isInfinite(theta * theta)) {
            t = 0.5 / theta; // tiny rotation, avoids overflow
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int r = 0; r < n; r++) {
            double arp = a[r][p];
            double arq = a[r][q];
            a[r][p] = c * arp - s * arq;
            a[r][q] = s * arp + c * arq;
          }
          for (int r = 0; r < n; r++) {
            double apr = a[p][r];
            double aqr = a[q][r];
            a[p][r] = c * apr - s * aqr;
            a[q][r] = s * apr + c * aqr;
          }
          for (int r = 0; r < n; r++) {
            double vrp = v[r][p];
            double vrq = v[r][q];
            v[r][p] = c * vrp - s * vrq;
            v[r][q] = s * vrp + c * vrq;
          }
        }
      }
    }
    // sort by decreasing eigenvalue
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int c = 0; c < n; c++) {
      values[c] = a[order[c]][order[c]];
      for (int r = 0; r < n; r++) {
        vectors[r][c] = v[r][order[c]];
      }
    }
    return new SymmetricEigen(values, vectors);
  }

  /** The Moore–Penrose pseudo-inverse, eigenvalues at or below {@code cut} treated as zero. */
  double[][] pseudoInverse(double cut) {
    int n = values.length;
    double[][] p = new double[n][n];
    for (int c = 0; c < n; c++) {
      if (values[c] > cut) {
        double inv = 1 / values[c];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            p[i][j] += vectors[i][c] * inv * vectors[j][c];
          }
        }
      }
    }
    return p;
  }
}
