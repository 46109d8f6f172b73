import { describe, expect, it } from "vitest";
import { cb, CONFLICT_ANSWERS, MENU_ITEMS, patterns, recipientPart, RESTORE_CHOICES, restoreChoicePattern, SCHEDULE_FREQUENCIES } from "../../src/bot/callback-data.js";

const id = "0123456789abcdef01234567";

describe("callback data", () => {
  it("every builder's output is parsed back by its pattern and fits Telegram's 64 bytes", () => {
    const built: [string, RegExp][] = [
      ...MENU_ITEMS.map((m) => [cb.menu(m), patterns.menu] as [string, RegExp]),
      [cb.filesPage(999999), patterns.filesPage],
      [cb.fileOpen(id), patterns.fileOpen],
      [cb.fileVersions(id), patterns.fileVersions],
      [cb.fileVersions(id, 999999), patterns.fileVersions],
      [cb.fileDownload(id), patterns.fileDownload],
      [cb.fileNote(id), patterns.fileNote],
      [cb.fileTags(id), patterns.fileTags],
      [cb.fileDelete(id), patterns.fileDelete],
      [cb.fileDeleteConfirm(id), patterns.fileDeleteConfirm],
      [cb.fileUndo(id), patterns.fileUndo],
      [cb.language("he"), patterns.language],
      [cb.backupCreate(true), patterns.backupCreate],
      [cb.backupCreate(false), patterns.backupCreate],
      [cb.backupList(999999), patterns.backupList],
      [cb.backupOpen(id), patterns.backupOpen],
      [cb.backupDownload(id), patterns.backupDownload],
      [cb.backupRateMenu(id), patterns.backupRateMenu],
      [cb.backupRate(id, "excellent"), patterns.backupRate],
      [cb.backupNote(id), patterns.backupNote],
      [cb.backupVerify(id), patterns.backupVerify],
      [cb.backupDelete(id), patterns.backupDelete],
      [cb.backupDeleteConfirm(id), patterns.backupDeleteConfirm],
      [cb.backupSelectPage(999999), patterns.backupSelectPage],
      [cb.backupToggle(id, 999999), patterns.backupToggle],
      [cb.backupRestore(id), patterns.backupRestore],
      [cb.restoreList(999999), patterns.restoreList],
      ...RESTORE_CHOICES.map((c) => [cb.restoreChoice(c), restoreChoicePattern(RESTORE_CHOICES)] as [string, RegExp]),
      ...CONFLICT_ANSWERS.map((a) => [cb.conflictChoice(a), patterns.conflictChoice] as [string, RegExp]),
      [cb.backupDeleteSelected, /^b:D$/],
      [cb.backupDeleteSelectedConfirm, /^b:X$/],
      [cb.backupSelectCancel, /^b:c$/],
      [cb.driveUploadBackup(id), patterns.driveUploadBackup],
      [cb.driveConnect, /^d:c$/],
      [cb.driveConnectCancel, /^d:cc$/],
      [cb.driveUpload, /^d:u$/],
      [cb.driveKeep, /^d:k$/],
      [cb.driveDisconnect, /^d:x$/],
      [cb.driveDisconnectConfirm, /^d:X$/],
      [cb.privacyGenerate, /^p:g$/],
      [cb.privacyPaste, /^p:r$/],
      [cb.privacyPassphrase, /^p:p$/],
      [cb.privacyOff, /^p:o$/],
      [cb.privacyChatCopies, /^p:c$/],
      [cb.privacySaved(id), patterns.privacySaved],
      [cb.privacySaved(recipientPart("age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq")), patterns.privacySaved],
      [cb.ageOpened(id), patterns.ageOpened],
      ...SCHEDULE_FREQUENCIES.map((f) => [cb.scheduleFrequency(f), patterns.scheduleFrequency] as [string, RegExp]),
      ...[0, 6].map((d) => [cb.scheduleWeekday(d), patterns.scheduleWeekday] as [string, RegExp]),
      ...[0, 9, 10, 23].map((h) => [cb.scheduleHour(h), patterns.scheduleHour] as [string, RegExp]),
      [cb.scheduleTryNow(id), patterns.scheduleTryNow],
      [cb.scheduleMenu, /^s:m$/],
      [cb.scheduleHours, /^s:h$/],
      [cb.scheduleZone, /^s:z$/],
      [cb.scheduleQuiet, /^s:q$/],
    ];
    // Every builder in cb is exercised above.
    const exercised = new Set(built.map(([data]) => data));
    for (const [name, build] of Object.entries(cb)) {
      const sample = typeof build === "string" ? build : (build as (...a: unknown[]) => string)(...(name === "menu" ? ["home"] : name === "restoreChoice" ? ["go"] : name === "conflictChoice" ? ["r"] : name === "language" ? ["he"] : name === "backupCreate" ? [true] : name === "backupRate" ? [id, "excellent"] : name.endsWith("Page") || name.endsWith("List") ? [999999] : name === "backupToggle" ? [id, 999999] : name === "scheduleFrequency" ? ["weekly"] : name === "scheduleWeekday" || name === "scheduleHour" ? [0] : [id]));
      expect(exercised.has(sample), name).toBe(true);
    }
    for (const [data, pattern] of built) {
      expect(pattern.test(data), data).toBe(true);
      expect(Buffer.byteLength(data), data).toBeLessThanOrEqual(64);
    }
    expect(patterns.backupToggle.exec(cb.backupToggle(id, 7))?.slice(1)).toEqual([id, "7"]);
  });

  it("rejects malformed or injected ids", () => {
    for (const bad of ["f:o:123", `f:o:${id}x`, `f:o:${id.toUpperCase()}`, `b:o:{"$ne":1}`, `b:k:${id}:-1`, `d:b:${id}:1`, "d:b:", "s:H:24", "s:H:05", "s:w:7", "s:f:x", `s:t:${id}0`]) {
      expect(Object.values(patterns).some((p) => p.test(bad)), bad).toBe(false);
    }
  });
});
