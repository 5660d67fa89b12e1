/** Progress on the terminal: a bar or plain lines, and the run-loop listener that feeds it. */
package dev.scalpel.cli.io;
