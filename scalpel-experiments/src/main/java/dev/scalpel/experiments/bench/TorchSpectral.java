package dev.scalpel.experiments.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The smooth-MNIST auxiliary loss written the way a DJL user would, with NDArray operations and autograd: one
 * power-iteration round per step with persistent vectors (no gradient), then {@code Σ_l 2 log(u W_l vᵀ)} as a
 * differentiable expression of the weights. Every array is created on the step's manager.
 */
final class TorchSpectral {
  private final float[][] u;
  private final float[][] v;

  TorchSpectral(List<NDArray> weights, long seed) {
    u = new float[weights.size()][];
    v = new float[weights.size()][];
    SplittableRandom r = new SplittableRandom(seed);
    for (int l = 0; l < weights.size(); l++) {
      Shape s = weights.get(l).getShape();
      u[l] = new float[(int) s.get(0)];
      double n = 0;
      for (int i = 0; i < u[l].length; i++) {
        u[l][i] = (float) r.nextGaussian();
        n += u[l][i] * u[l][i];
      }
      for (int i = 0; i < u[l].length; i++) {
        u[l][i] /= (float) Math.sqrt(n);
      }
      v[l] = new float[(int) s.get(1)];
    }
  }

  /** One round v ← normalise(uW), u ← normalise(vWᵀ), outside any gradient collector. */
  void powerIterate(NDManager sm, List<NDArray> weights) {
    for (int l = 0; l < weights.size(); l++) {
      NDArray w = weights.get(l);
      NDArray ua = sm.create(u[l], new Shape(1, u[l].length));
      NDArray va = ua.matMul(w).stopGradient();
      va = va.div(va.norm());
      NDArray wt = w.transpose();
      wt.attach(sm);
      NDArray un = va.matMul(wt).stopGradient();
      un = un.div(un.norm());
      v[l] = va.toFloatArray();
      u[l] = un.toFloatArray();
    }
  }

  /** Σ_l 2 log(u W_l vᵀ), differentiable in the weights. */
  NDArray loss(NDManager sm, List<NDArray> weights) {
    NDArray total = null;
    for (int l = 0; l < weights.size(); l++) {
      NDArray ua = sm.create(u[l], new Shape(1, u[l].length));
      NDArray va = sm.create(v[l], new Shape(v[l].length, 1));
      NDArray sigma = ua.matMul(weights.get(l)).matMul(va).reshape(new Shape());
      NDArray term = sigma.log().mul(2);
      total = total == null ? term : total.add(term);
    }
    return total;
  }
}
