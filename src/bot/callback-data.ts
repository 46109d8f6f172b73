/**
 * Every callback_data string the bot puts on a button, built (`cb`) and parsed (`patterns`)
 * in one place — the conversations' restore buttons included. Ids are 24-hex ObjectIds and
 * pages at most 6 digits, so data stays well under Telegram's 64 bytes (a test checks each).
 * Nothing parsed here is trusted: services re-check ownership.
 */
const ID = "([0-9a-f]{24})";

export const cb = {
  menu: (item: MenuItem) => `m:${item}`,
  filesPage: (page: number) => `f:l:${page}`,
  fileOpen: (id: string) => `f:o:${id}`,
  fileVersions: (id: string, page = 0) => (page ? `f:h:${id}:${page}` : `f:h:${id}`),
  fileDownload: (id: string) => `f:g:${id}`,
  fileNote: (id: string) => `f:n:${id}`,
  fileTags: (id: string) => `f:t:${id}`,
  fileDelete: (id: string) => `f:d:${id}`,
  fileDeleteConfirm: (id: string) => `f:x:${id}`,
  fileUndo: (id: string) => `f:u:${id}`,
  language: (code: string) => `l:${code}`,
  backupCreate: (withHistory: boolean) => (withHistory ? "b:nh" : "b:n"),
  backupList: (page: number) => `b:l:${page}`,
  backupOpen: (id: string) => `b:o:${id}`,
  backupDownload: (id: string) => `b:g:${id}`,
  backupRateMenu: (id: string) => `b:r:${id}`,
  backupRate: (id: string, rating: "excellent" | "good" | "ok") => `b:R:${id}:${rating[0]}`,
  backupNote: (id: string) => `b:t:${id}`,
  backupVerify: (id: string) => `b:v:${id}`,
  backupDelete: (id: string) => `b:d:${id}`,
  backupDeleteConfirm: (id: string) => `b:x:${id}`,
  backupSelectPage: (page: number) => `b:s:${page}`,
  backupToggle: (id: string, page: number) => `b:k:${id}:${page}`,
  backupRestore: (id: string) => `b:rs:${id}`,
  restoreList: (page: number) => `r:l:${page}`,
  /** A step of the restore conversation (which archive use, which mode, the suggested name). */
  restoreChoice: (choice: RestoreChoice) => `rs:${choice}`,
  /** An answer on a conflict card: lower case for this file, upper case for it and all remaining. */
  conflictChoice: (answer: ConflictAnswer) => `rs:c:${answer}`,
  backupDeleteSelected: "b:D",
  backupDeleteSelectedConfirm: "b:X",
  backupSelectCancel: "b:c",
  driveConnect: "d:c",
  driveConnectCancel: "d:cc",
  driveUpload: "d:u",
  driveUploadBackup: (id: string) => `d:b:${id}`,
  driveKeep: "d:k",
  driveDisconnect: "d:x",
  driveDisconnectConfirm: "d:X",
  privacyGenerate: "p:g",
  privacyPaste: "p:r",
  privacyPassphrase: "p:p",
  privacyOff: "p:o",
  privacyChatCopies: "p:c",
  /** "I saved it" under a generated key's file: 24 characters of its public key say which key was saved. */
  privacySaved: (recipientPart: string) => `p:s:${recipientPart}`,
  /** An encrypted upload was opened and staged: show its restore preview. */
  ageOpened: (uploadId: string) => `a:o:${uploadId}`,
  /** 🗓 Schedule under ☁️ Drive: the menu, a frequency, a weekday (weekly), the hour picker and an hour. */
  scheduleMenu: "s:m",
  scheduleFrequency: (f: ScheduleFrequency) => `s:f:${f[0]}`,
  scheduleWeekday: (day: number) => `s:w:${day}`,
  scheduleHours: "s:h",
  scheduleHour: (hour: number) => `s:H:${hour}`,
  scheduleZone: "s:z",
  scheduleQuiet: "s:q",
  /** 🔁 Try now after a scheduled upload gave up: upload that backup again. */
  scheduleTryNow: (id: string) => `s:t:${id}`,
};

export const SCHEDULE_FREQUENCIES = ["daily", "weekly", "monthly", "off"] as const;
export type ScheduleFrequency = (typeof SCHEDULE_FREQUENCIES)[number];
export const FREQUENCY_BY_LETTER = { d: "daily", w: "weekly", m: "monthly", o: "off" } as const;

/** The part of a public key (`age1…`, bech32: lower-case letters and digits) that a "saved" button carries. */
export const recipientPart = (recipient: string) => recipient.slice(4, 28);

export const MENU_ITEMS = ["home", "files", "save", "backups", "restore", "drive", "language", "help", "privacy"] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

export const RESTORE_CHOICES = ["files", "keep", "ask", "replace", "skip", "rename", "go", "use", "cancel"] as const;
export type RestoreChoice = (typeof RESTORE_CHOICES)[number];
export const CONFLICT_ANSWERS = ["r", "s", "n", "R", "S", "N", "cancel"] as const;
export type ConflictAnswer = (typeof CONFLICT_ANSWERS)[number];

/** `rs:<choice>` for the choices one step accepts; the choice is group 1. */
export function restoreChoicePattern(choices: readonly RestoreChoice[]): RegExp {
  return new RegExp(`^rs:(${choices.join("|")})$`);
}

export const patterns = {
  menu: new RegExp(`^m:(${MENU_ITEMS.join("|")})$`),
  filesPage: /^f:l:(\d{1,6})$/,
  fileOpen: new RegExp(`^f:o:${ID}$`),
  fileVersions: new RegExp(`^f:h:${ID}(?::(\\d{1,6}))?$`),
  fileDownload: new RegExp(`^f:g:${ID}$`),
  fileNote: new RegExp(`^f:n:${ID}$`),
  fileTags: new RegExp(`^f:t:${ID}$`),
  fileDelete: new RegExp(`^f:d:${ID}$`),
  fileDeleteConfirm: new RegExp(`^f:x:${ID}$`),
  fileUndo: new RegExp(`^f:u:${ID}$`),
  language: /^l:([a-z]{2})$/,
  backupCreate: /^b:n(h?)$/,
  backupList: /^b:l:(\d{1,6})$/,
  backupOpen: new RegExp(`^b:o:${ID}$`),
  backupDownload: new RegExp(`^b:g:${ID}$`),
  backupRateMenu: new RegExp(`^b:r:${ID}$`),
  backupRate: new RegExp(`^b:R:${ID}:([ego])$`),
  backupNote: new RegExp(`^b:t:${ID}$`),
  backupVerify: new RegExp(`^b:v:${ID}$`),
  backupDelete: new RegExp(`^b:d:${ID}$`),
  backupDeleteConfirm: new RegExp(`^b:x:${ID}$`),
  backupSelectPage: /^b:s:(\d{1,6})$/,
  backupRestore: new RegExp(`^b:rs:${ID}$`),
  restoreList: /^r:l:(\d{1,6})$/,
  conflictChoice: new RegExp(`^rs:c:(${CONFLICT_ANSWERS.join("|")})$`),
  backupToggle: new RegExp(`^b:k:${ID}:(\\d{1,6})$`),
  driveUploadBackup: new RegExp(`^d:b:${ID}$`),
  privacySaved: /^p:s:([0-9a-z]{24})$/,
  ageOpened: new RegExp(`^a:o:${ID}$`),
  scheduleFrequency: /^s:f:([dwmo])$/,
  scheduleWeekday: /^s:w:([0-6])$/,
  scheduleHour: /^s:H:(\d|1\d|2[0-3])$/,
  scheduleTryNow: new RegExp(`^s:t:${ID}$`),
};

export const RATING_BY_LETTER = { e: "excellent", g: "good", o: "ok" } as const;
