"""Teach mode: drive by hand with the arrows; every control tick records the inputs and
the chosen action; on leaving, the rows join the table (merged or de-duplicated) and
the brain is retrained. Mixed into ``App``."""
import pygame

from simulator.gui import simlink, theme as th
from simulator.gui.dialogs import Choice, Prompt
from simulator.gui.teach import TeachRecorder

DRIVE_KEYS = {pygame.K_UP: "forward", pygame.K_DOWN: "backward", pygame.K_LEFT: "left", pygame.K_RIGHT: "right"}


class TeachCommands:
    def cmd_teach(self, event=None):
        if self.teach is None:
            self.teach = TeachRecorder()
            self.teach_keys = []
            self.pacing.paused = False
            if self._teach_can_record():
                self.say("teach mode: hold the arrow keys to drive; every control tick is recorded", th.TEACH)
            else:
                self.error(f"teach mode drives but records nothing: the table's outputs "
                           f"({', '.join(self.editor.table.output_names)}) are not the brain's "
                           f"({', '.join(self.sim.brain.output_names)})")
        else:
            self._leave_teach()

    def cmd_teach_drive(self, event):
        action = DRIVE_KEYS[event.key]
        if action in self.teach_keys:
            self.teach_keys.remove(action)
        self.teach_keys.append(action)                  # the last key pressed wins

    def teach_key_up(self, event) -> None:
        action = DRIVE_KEYS.get(event.key)
        if action in self.teach_keys:
            self.teach_keys.remove(action)

    def teach_before_tick(self) -> None:
        action = self.teach_keys[-1] if self.teach_keys else None
        pins = simlink.action_pins(self.profile, action) if action else (0,) * len(self.profile.motors.pin_order)
        self.sim.set_manual(pins)

    def teach_after_tick(self) -> None:
        if not self.teach_keys or not self._teach_can_record():
            return
        action = self.teach_keys[-1]
        targets = simlink.action_targets(self.sim.brain, self.profile, action)
        label = simlink.action_label(self.editor.table, targets, action)
        self.teach.record(self.sim.sensed_inputs(), targets, label)

    def _teach_can_record(self) -> bool:
        t, b = self.editor.table, self.sim.brain
        return t.input_names == list(b.input_names) and t.output_names == list(b.output_names)

    def _leave_teach(self) -> None:
        recorder, self.teach = self.teach, None
        self.teach_keys = []
        self.sim.set_manual(None)
        if not len(recorder):
            self.say("left teach mode: nothing was recorded")
            return
        table = self.editor.table
        merged, dedup = recorder.merged(table), recorder.deduplicated(table)
        n_all, n_new = len(merged) - len(table), len(dedup) - len(table)

        def add(new_table, how):
            def go():
                self.editor.replace(new_table)
                self.edited("table")
                self.say(f"added {len(new_table) - len(table)} rows ({how}); retraining", th.TEXT_OK)
                self.cmd_retrain()
            return go

        self.modal = Prompt("Teach mode: keep what you showed?", [
            f"{n_all} ticks were recorded.",
            f"M: add all {n_all} rows (merged)",
            f"D: add {n_new} de-duplicated rows (one per new situation, the most frequent action)",
            "Either way the brain is then retrained on the table.",
        ], [Choice(pygame.K_m, "M: merged", add(merged, "merged")),
            Choice(pygame.K_d, "D: de-duplicated", add(dedup, "de-duplicated")),
            Choice(pygame.K_ESCAPE, "Esc: discard", lambda: self.say("recorded rows discarded"))])
