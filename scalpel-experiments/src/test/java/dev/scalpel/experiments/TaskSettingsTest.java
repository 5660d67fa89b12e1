package dev.scalpel.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each task's settings: defaults, canonical values, and one-line errors naming the setting and the task. */
class TaskSettingsTest {

  @Test
  void defaultsAreFilledInSchemaOrderWithTheLoopSettingsLast() {
    TaskSettings s = Tasks.byName("quadratic").settings(Map.of());
    assertEquals(List.of("epochs", "lr", "batch_size", "seed", "checkpoint_every", "diagnostics"),
        List.copyOf(s.values().keySet()));
    assertEquals(1000, s.intValue("epochs"));
    assertEquals(1e-3, s.doubleValue("lr"));
    assertEquals(0, s.intValue("checkpoint_every"));
    assertEquals(true, s.booleanValue("diagnostics"));
  }

  @Test
  void aTaskMayChangeALoopSettingsDefault() {
    TaskSettings s = Tasks.byName("smooth-mnist").settings(Map.of());
    assertEquals(500, s.intValue("checkpoint_every"));
    assertEquals(1, s.values().keySet().stream().filter("checkpoint_every"::equals).count());
  }

  @Test
  void valuesAreCanonical() {
    TaskSettings a = Tasks.byName("toy2d").settings(Map.of("lr", "1e-1"));
    TaskSettings b = Tasks.byName("toy2d").settings(Map.of("lr", " 0.10 "));
    assertEquals(a, b);
    assertEquals("0.1", a.get("lr"));
  }

  @Test
  void unknownSettingNamesTheTaskAndItsSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tasks.byName("toy2d").settings(Map.of("epochs", "3")));
    assertEquals("task toy2d has no setting 'epochs'; its settings: steps, lr, checkpoint_every, diagnostics "
        + "(scalpel tasks lists them with their defaults)", e.getMessage());
  }

  @Test
  void badValuesNameTheValueAndWhatWasExpected() {
    Task q = Tasks.byName("quadratic");
    assertEquals("lr (-0.1) must be > 0.0",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("lr", "-0.1"))).getMessage());
    assertEquals("lr (NaN) must be a finite number > 0.0",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("lr", "NaN"))).getMessage());
    assertEquals("epochs (2147483648) is out of range: at most 2147483647 in magnitude",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("epochs", "2147483648"))).getMessage());
    assertEquals("epochs (ten) must be an integer >= 1",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("epochs", "ten"))).getMessage());
    assertEquals("epochs (0) must be >= 1",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("epochs", "0"))).getMessage());
    assertEquals("batch_size (300) must be <= 256",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("batch_size", "300"))).getMessage());
    assertEquals("diagnostics (yes) must be true or false",
        assertThrows(IllegalArgumentException.class, () -> q.settings(Map.of("diagnostics", "yes"))).getMessage());
  }

  @Test
  void identityLeavesOutOperationalSettings() {
    Task t = Tasks.byName("toy2d");
    String a = t.settings(Map.of("checkpoint_every", "5", "diagnostics", "false")).identity(t.fullSchema());
    String b = t.settings(Map.of()).identity(t.fullSchema());
    assertEquals(b, a);
    assertEquals("toy2d: steps=5000 lr=0.1", a);
  }

  @Test
  void unknownTaskListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.byName("toy4d"));
    assertEquals("unknown task 'toy4d'; expected one of: toy2d, toy3d, quadratic, smooth-mnist, overlay, lm, translate", e.getMessage());
  }
}
