package dev.scalpel.spark;

import java.io.Serializable;

/**
 * What an executor sends back for one micro-batch: its index, the k gradients ({@code [loss][tensor][element]}) and
 * the k loss values. Size on the wire: about k · P · 4 bytes (P the number of parameters).
 */
record MicroResult(int micro, float[][][] gradients, double[] losses) implements Serializable {
}
