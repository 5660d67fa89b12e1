package dev.scalpel.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/*
 * A step's parameters and their gradients as direct views of the tensors' memory (NativeViews), with the two
 * invariants every gradient path relies on:
 *  - every parameter has its own gradient storage before any view of a gradient is taken (allocateGradients):
 *    a parameter no backward pass has reached (auxiliary-only, unused) otherwise has none, DJL hands out a
 *    temporary zero array, and a view of it kept across the step reads freed memory (a JVM crash, or parameters
 *    driven to ~1e30);
 *  - views are retaken whenever a parameter's array changes (a block re-initialised, a checkpoint loaded by DJL).
 * Shared by TwoLossStep and KLossStep.
 */
final class ParameterBinding {
  final List<Parameter> params;
  final List<ParameterInfo> infos;
  final int[] sizes;
  final Engine engine;
  final FloatBuffer[] paramViews;
  final FloatBuffer[] paramReadOnly;
  final FloatBuffer[] gradViews;
  private final NDArray[] boundArrays;

  ParameterBinding(List<Parameter> parameters) {
    this.params = List.copyOf(parameters);
    if (params.isEmpty()) {
      throw new IllegalArgumentException("no trainable parameters (initialise the block first?)");
    }
    int n = params.size();
    List<ParameterInfo> list = new ArrayList<>(n);
    sizes = new int[n];
    for (int t = 0; t < n; t++) {
      Parameter p = params.get(t);
      if (!p.isInitialized()) {
        throw new IllegalArgumentException("parameter " + p.getName() + " is not initialised: call "
            + "block.initialize(manager, DataType.FLOAT32, inputShape) first");
      }
      NDArray a = p.getArray();
      list.add(new ParameterInfo(t, p.getName(), a.getShape()));
      sizes[t] = Math.toIntExact(a.size());
    }
    this.infos = List.copyOf(list);
    this.engine = params.get(0).getArray().getManager().getEngine();
    boundArrays = new NDArray[n];
    paramViews = new FloatBuffer[n];
    paramReadOnly = new FloatBuffer[n];
    gradViews = new FloatBuffer[n];
  }

  /** Takes the views again where a parameter's array changed (and then gives every parameter gradient storage). */
  void bind() {
    boolean changed = false;
    for (int t = 0; t < params.size(); t++) {
      NDArray a = params.get(t).getArray();
      if (a != boundArrays[t]) {
        if (!a.hasGradient()) {
          throw new IllegalArgumentException("parameter " + infos.get(t).name() + " does not require a gradient"
              + " (frozen?): leave it out of the step's parameters");
        }
        paramViews[t] = NativeViews.view(a, "parameter " + infos.get(t).name());
        paramReadOnly[t] = paramViews[t].asReadOnlyBuffer();
        boundArrays[t] = a;
        changed = true;
      }
    }
    if (changed) {
      allocateGradients();
    }
  }

  /*
   * One backward pass of Σ_p 0·sum(p) allocates a zero gradient for every parameter; backward passes then
   * accumulate into that storage in place and the steps zero it in place, so it lives as long as the parameter
   * does and every view of it stays valid. The views are taken (and checked to alias the tensors) here.
   */
  private void allocateGradients() {
    List<NDArray> temporaries = new ArrayList<>();
    try (GradientCollector gc = engine.newGradientCollector()) {
      NDArray touch = null;
      for (NDArray a : boundArrays) {
        NDArray sum = a.sum();
        // a zero made by the engine and kept to the end: a.mul(0f) would make a scalar over a Java buffer that DJL
        // closes at once while the backward pass still reads it
        NDArray zero = a.getManager().zeros(new ai.djl.ndarray.types.Shape());
        NDArray term = sum.mul(zero);
        temporaries.add(zero);
        temporaries.add(sum);
        temporaries.add(term);
        touch = touch == null ? term : touch.add(term);
        temporaries.add(touch);
      }
      gc.backward(touch);
    } finally {
      for (NDArray a : temporaries) {
        a.close();
      }
    }
    for (int t = 0; t < params.size(); t++) {
      try (NDArray g = boundArrays[t].getGradient()) {
        gradViews[t] = NativeViews.view(g, "gradient of " + infos.get(t).name());
        NativeViews.zero(gradViews[t]);
      }
    }
  }

  /** Zeroes every gradient tensor in place. */
  void zeroGradients() {
    for (FloatBuffer g : gradViews) {
      NativeViews.zero(g);
    }
  }

  /** Copies every gradient tensor into {@code into} (one array per tensor). */
  void copyGradients(float[][] into) {
    for (int t = 0; t < sizes.length; t++) {
      NativeViews.copy(gradViews[t], into[t]);
    }
  }

  /** Copies of the current parameter values, in tensor order. */
  float[][] values() {
    bind();
    float[][] out = new float[sizes.length][];
    for (int t = 0; t < sizes.length; t++) {
      out[t] = new float[sizes[t]];
      NativeViews.copy(paramViews[t], out[t]);
    }
    return out;
  }

  /** Overwrites the parameter values in place, in tensor order (both sizes in the errors). */
  void setValues(float[][] values) {
    bind();
    if (values.length != sizes.length) {
      throw new IllegalArgumentException(values.length + " tensors given, the model has " + sizes.length);
    }
    for (int t = 0; t < sizes.length; t++) {
      if (values[t].length != sizes[t]) {
        throw new IllegalArgumentException("tensor " + t + " (" + infos.get(t).name() + ") has " + sizes[t]
            + " elements, " + values[t].length + " given");
      }
      NativeViews.copy(values[t], paramViews[t]);
    }
  }

  long parameterCount() {
    long n = 0;
    for (int s : sizes) {
      n += s;
    }
    return n;
  }
}
