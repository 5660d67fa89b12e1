/**
 * The {@code scalpel} command (picocli): {@code train}, {@code sweep}, {@code demo} and {@code tasks}; task
 * settings come from each task's schema ({@code --set key=value}).
 */
package dev.scalpel.cli;
