/**
 * The paper's joint-data text experiments at CPU scale: byte corpora split by seed ({@link
 * dev.scalpel.experiments.text.ByteCorpus}), a causal byte-level transformer decoder built from DJL blocks ({@link
 * dev.scalpel.experiments.text.ByteDecoder}) and the language-model task {@code lm} ({@link
 * dev.scalpel.experiments.text.LmTask}): Gutenberg books as the generic corpus (main loss), the Brown Corpus's press
 * genres as the small domain (auxiliary loss).
 */
package dev.scalpel.experiments.text;
