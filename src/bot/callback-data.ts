/**
 * Every callback_data string the bot puts on a button, built and parsed in one
 * place. Ids are 24-hex ObjectIds, so data stays well under Telegram's 64 bytes.
 * Nothing parsed here is trusted: services re-check ownership.
 */
const ID = "([0-9a-f]{24})";

export const cb = {
  menu: (item: MenuItem) => `m:${item}`,
  filesPage: (page: number) => `f:l:${page}`,
  fileOpen: (id: string) => `f:o:${id}`,
  fileVersions: (id: string) => `f:h:${id}`,
  fileDownload: (id: string) => `f:g:${id}`,
  fileNote: (id: string) => `f:n:${id}`,
  fileTags: (id: string) => `f:t:${id}`,
  fileDelete: (id: string) => `f:d:${id}`,
  fileDeleteConfirm: (id: string) => `f:x:${id}`,
  fileUndo: (id: string) => `f:u:${id}`,
  language: (code: string) => `l:${code}`,
};

export const MENU_ITEMS = ["home", "files", "save", "backups", "restore", "drive", "language", "help"] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

export const patterns = {
  menu: new RegExp(`^m:(${MENU_ITEMS.join("|")})$`),
  filesPage: /^f:l:(\d{1,6})$/,
  fileOpen: new RegExp(`^f:o:${ID}$`),
  fileVersions: new RegExp(`^f:h:${ID}$`),
  fileDownload: new RegExp(`^f:g:${ID}$`),
  fileNote: new RegExp(`^f:n:${ID}$`),
  fileTags: new RegExp(`^f:t:${ID}$`),
  fileDelete: new RegExp(`^f:d:${ID}$`),
  fileDeleteConfirm: new RegExp(`^f:x:${ID}$`),
  fileUndo: new RegExp(`^f:u:${ID}$`),
  language: /^l:([a-z]{2})$/,
};
