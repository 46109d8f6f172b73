import { describe, expect, it } from "vitest";
import { cb, MENU_ITEMS, patterns } from "../../src/bot/callback-data.js";

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
      [cb.backupList(12), patterns.backupList],
      [cb.backupOpen(id), patterns.backupOpen],
      [cb.backupDownload(id), patterns.backupDownload],
      [cb.backupRateMenu(id), patterns.backupRateMenu],
      [cb.backupRate(id, "excellent"), patterns.backupRate],
      [cb.backupNote(id), patterns.backupNote],
      [cb.backupVerify(id), patterns.backupVerify],
      [cb.backupDelete(id), patterns.backupDelete],
      [cb.backupDeleteConfirm(id), patterns.backupDeleteConfirm],
      [cb.backupSelectPage(3), patterns.backupSelectPage],
      [cb.backupToggle(id, 999999), patterns.backupToggle],
    ];
    for (const [data, pattern] of built) {
      expect(pattern.test(data), data).toBe(true);
      expect(Buffer.byteLength(data), data).toBeLessThanOrEqual(64);
    }
    expect(patterns.backupToggle.exec(cb.backupToggle(id, 7))?.slice(1)).toEqual([id, "7"]);
  });

  it("rejects malformed or injected ids", () => {
    for (const bad of ["f:o:123", `f:o:${id}x`, `f:o:${id.toUpperCase()}`, `b:o:{"$ne":1}`, `b:k:${id}:-1`]) {
      expect(Object.values(patterns).some((p) => p.test(bad)), bad).toBe(false);
    }
  });
});
