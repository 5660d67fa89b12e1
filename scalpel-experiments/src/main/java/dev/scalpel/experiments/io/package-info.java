/** Small file helpers of the experiments and the command line: CSV text and atomic writes. */
package dev.scalpel.experiments.io;
