package dev.scalpel.djl.readme;

import org.junit.jupiter.api.Test;

/** The README's DJL examples run as written (their text is checked against the README by ReadmeSnippetsTest). */
class ReadmeExamplesTest {
  @Test
  void sharedTrunkTwoHeadsRuns() {
    SharedTrunkTwoHeads.main(new String[0]);
  }

  @Test
  void twoLossTrainingRuns() throws Exception {
    TwoLossTraining.main(new String[0]);
  }
}
