# codevault — English

## Commands (the menu next to the text box)
cmd-start = Main menu
cmd-files = My code files
cmd-save = Save code: /save name.py #tag
cmd-backup = Backups
cmd-github = Import a GitHub repository
cmd-restore = Restore from a backup
cmd-drive = Google Drive
cmd-language = Change language
cmd-help = How to use codevault
cmd-cancel = Cancel what I am doing

## Main menu
start-welcome =
    👋 Hi { $name }! I keep your code files safe.

    Send me a code file (or /save a snippet) and I keep it with its language, tags, note and every version.
menu-title = 🏠 <b>Main menu</b>
menu-files = 📁 My files
menu-save = 💾 Save code
menu-backups = 📦 Backups
menu-restore = ♻️ Restore
menu-drive = ☁️ Google Drive
menu-language = 🌐 Language
menu-help = ❓ Help
btn-home = 🏠 Main menu

help-text =
    <b>codevault</b> keeps your code files and never loses them.

    <b>Files</b>
    • Send a code file as a document to save it. Add <code>#tags</code> and a note in the caption.
    • <code>/save app.py #tag</code>, then send the code as the next message.
    • Sending the same name again makes a new version; older versions stay.
    • /files lists your files: open one to see it, download it, browse its versions, edit its note or tags, or delete it (with undo).

    <b>Backups</b>
    • /backup makes a ZIP of all your files (or of every version) with metadata.json, keeps it here and sends it to you.
    • In 🗂 My backups: download, rate (🏆 backups are never removed automatically), add a note, verify every file against its checksum, or delete one or several.
    • /drive connects your Google Drive: ⬆️ uploads a backup into a "codevault backups" folder there (checked against Drive's checksum), ☁️ marks the backups that have a copy, and the newest copies are kept.

    <b>Restore and import</b>
    • /restore (or ♻️ on a backup) shows what would change; you decide about each conflict (replace, skip or rename). An emergency backup is taken first, and a failed restore is rolled back.
    • Send any ZIP to import it: a codevault backup, another bot's backup, a GitHub archive or a folder of sources.
    • <code>/github owner/repo</code> imports a GitHub repository.

    <b>Settings</b>
    • /language switches between English and Hebrew.
    • /cancel stops what you are doing; nothing changes.

## General
cancel-done = ❌ Cancelled. Nothing was changed.
cancel-nothing = There is nothing to cancel.
not-allowed = 🔒 Sorry, this codevault is private. Ask its owner to add your Telegram id ({ $id }) to the allowed users.
error-generic = ⚠️ Something went wrong on my side. Nothing you saved was lost; please try again in a moment.
button-expired = This button is no longer valid. Open the menu again with /start.
list-item = • { $text }
btn-cancel = ✖️ Cancel
btn-prev = ◀️ Previous
btn-next = Next ▶️

## Saving
save-how =
    💾 <b>Saving code</b>

    Send a code file as a document (up to 20 MB), or type <code>/save name.py #tag</code> and send the code as the next message.
save-usage =
    Tell me the file name: <code>/save app.py #tag1 #tag2</code>
    Then send the code as the next message.
save-send-code = ✍️ Send the code for <b>{ $name }</b> now, as a message or a file. /cancel to stop.
save-expect-code = Please send the code as a text message or a file, or /cancel.
save-created = ✅ Saved <b>{ $name }</b> ({ $language }, { $size }).
save-new-version = ✅ Saved <b>{ $name }</b> as version { $version } ({ $language }, { $size }). Older versions are kept.
save-unchanged = ☑️ <b>{ $name }</b> is unchanged: version { $version } already holds exactly this content.
save-binary = 🚫 <b>{ $name }</b> looks like a binary file. I keep text and code files only.
save-too-large = 🚫 <b>{ $name }</b> is too large. Telegram lets me download files up to { $limit }.
btn-open = 📄 Open

## Files
files-empty = 📭 Your library is empty. Send me a code file to save it.
files-title = 📁 <b>Your files</b> ({ $total }) — page { $page } of { $pages }
files-line = 📄 <b>{ $name }</b> · { $language } · v{ $version } · { $size }
file-tags = 🏷 { $tags }
file-note = 📝 { $note }
file-detail =
    📄 <b>{ $name }</b>
    { $language } · v{ $version } · { $size }
    🕒 { $updated }
file-old-version = ⏳ This is an older version.
file-empty-content = (empty file)
file-sent-as-document = The file is too long for a message; I am sending it as a document.
file-document-caption = { $name } · v{ $version }
file-not-found = File not found. It may have been deleted.
btn-versions = 📜 Versions
btn-download = ⬇️ Download
btn-note = 📝 Note
btn-tags = 🏷 Tags
btn-delete = 🗑 Delete
btn-back-files = ⬅️ Back to files
btn-back-file = ⬅️ Back to the file
btn-back-versions = ⬅️ Back to versions
versions-title = 📜 <b>{ $name }</b>: { $count ->
    [one] 1 version
   *[other] { $count } versions
  }
versions-page = page { $page } of { $pages }
version-line = v{ $version } · { $size } · { $date }
version-button = v{ $version } · { $date }
file-delete-confirm = 🗑 Delete <b>{ $name }</b> and all its versions? You can undo this.
btn-confirm-delete = 🗑 Yes, delete
file-deleted = 🗑 <b>{ $name }</b> was deleted.
btn-undo = ↩️ Undo
file-undo-done = ↩️ The file is back.
file-undo-failed = Nothing to undo: the file is already back, or a new file took its name.

note-ask =
    📝 Send the new note for <b>{ $name }</b> (up to { $max } characters), or <code>-</code> to clear it. /cancel keeps it as it is.
    Now: { $current }
tags-ask =
    🏷 Send the tags for <b>{ $name }</b>, like <code>#util #cli</code>, or <code>-</code> to clear them. /cancel keeps them as they are.
    Now: { $current }
edit-expect-text = Please send text, or /cancel.
note-saved = 📝 Note for <b>{ $name }</b> saved: { $value }
tags-saved = 🏷 Tags for <b>{ $name }</b> saved: { $value }

file-error-not_found = File not found. It may have been deleted.
file-error-name_empty = The file name is empty.
file-error-name_too_long = The file name is too long (at most 255 characters).
file-error-name_invalid = That file name cannot be used: no leading "/", no ".." parts, no backslashes, colons, control, direction or invisible characters, no Windows device names (CON, NUL, COM1…) and no part ending in a dot or a space.
file-error-too_large = The file is too large (at most 20 MB).
file-error-note_too_long = The note is too long: at most { $max } characters.
file-error-too_many_tags = Too many tags: at most 20.

## Language
language-choose = 🌐 Choose your language:
language-set = ✅ I will speak English with you.
language-name-en = 🇬🇧 English
language-name-he = 🇮🇱 עברית

## Backups
backups-title = 📦 <b>Backups</b>
backups-summary = You have { $count ->
    [one] one backup
   *[other] { $count } backups
  }. The latest is from { $date }.
backups-none = You have no backups yet. A backup is a ZIP of all your files plus metadata.json, kept safely here and sent to you.
btn-backup-create = 📦 Create backup
btn-backup-create-history = 📚 Create backup with all versions
btn-backup-list = 🗂 My backups
btn-backups-menu = ⬅️ Backups
btn-back-backups = ⬅️ Back to my backups
btn-back-backup = ⬅️ Back to the backup
btn-backup-verify = ✅ Verify
btn-backup-rate = ⭐ Rate
btn-backup-select = ☑️ Select several to delete
btn-backup-delete-selected = 🗑 Delete selected ({ $count })
backup-creating = ⏳ Creating your backup…
backup-create-failed = ⚠️ The backup could not be created. Nothing was stored and your files are untouched; please try again.
backup-created = ✅ Backup ready: { $count ->
    [one] 1 file
   *[other] { $count } files
  }, { $size } (ZIP { $zip }).
backup-created-history = ✅ Backup with all versions ready: { $count ->
    [one] 1 file
   *[other] { $count } files
  }, { $size } (ZIP { $zip }).
backup-created-empty = ✅ Backup ready. Your library is empty, so it holds only metadata.json.
backup-caption = codevault backup · { $count ->
    [one] 1 file
   *[other] { $count } files
  } · { $date }
backup-part-caption = codevault backup · part { $part } of { $total } · { $date }
backup-sending-parts = This backup is larger than Telegram lets me send at once, so it comes as { $count ->
    [one] 1 ZIP part
   *[other] { $count } ZIP parts
  } of at most { $limit }. Each part holds whole files and restores on its own.
backups-list-empty = 🗂 You have no backups yet.
backups-list-title = 🗂 <b>My backups</b> ({ $total }) — page { $page } of { $pages }
backup-line = 📦 <b>{ $date }</b> · { $count ->
    [one] 1 file
   *[other] { $count } files
  } · { $zip }{ $rating }
backup-line-note = {"   "}📝 { $note }
backup-detail =
    📦 <b>Backup of { $date }</b>
    { $type } · { $count ->
        [one] 1 file
       *[other] { $count } files
    } · { $size } · ZIP { $zip }
backup-with-history = 📚 Includes every version of every file.
backup-type-full_backup = Full backup
backup-type-github_repo_zip = GitHub repository
backup-type-google_drive_backup = Google Drive backup
backup-type-imported_zip = Imported ZIP
backup-type-emergency = Emergency backup (before a restore)
backup-last-verified-ok = ✅ Verified { $date }
backup-last-verified-bad = ❌ Verification failed { $date }
backup-not-found = Backup not found. It may have been deleted.
rating-excellent = Excellent
rating-good = Good
rating-ok = OK
backup-rate-ask = ⭐ How good is this backup? 🏆 backups are never removed automatically.
backup-rated = Rated { $icon }
backup-note-ask =
    📝 Send a note for this backup (up to { $max } characters), or <code>-</code> to clear it. /cancel keeps it as it is.
    Now: { $current }
backup-note-saved = 📝 Note saved: { $value }
backup-note-too-long = The note is too long: at most { $max } characters. Send a shorter one, or /cancel.
backup-verifying = ⏳ Checking every file…
backup-verify-ok = ✅ Verified: the ZIP is intact and { $count ->
    [one] its 1 file matches its checksum
   *[other] all { $count } files match their checksums
  } ({ $size }).
backup-verify-failed = ❌ Verification found { $count ->
    [one] a problem
   *[other] { $count } problems
  }:
verify-zip_sha256_mismatch = the stored ZIP changed since it was made (checksum differs)
verify-archive_invalid = the archive is damaged at { $entry }
verify-manifest_missing = metadata.json is missing
verify-manifest_invalid = metadata.json cannot be read
verify-file_missing = { $name } is listed but missing
verify-file_mismatch = { $name } does not match its checksum
verify-stored_bytes_missing = the stored ZIP is gone
backup-delete-confirm = 🗑 Delete this backup? This cannot be undone.
backups-delete-many-confirm = 🗑 Delete { $count ->
    [one] 1 backup
   *[other] { $count } backups
  }? This cannot be undone.
backups-select-title = ☑️ <b>Select backups to delete</b> — { $count } selected — page { $page } of { $pages }
backups-select-none = Select at least one backup first.
backups-deleted = 🗑 Deleted { $count ->
    [one] 1 backup
   *[other] { $count } backups
  }.

## Restore and import
btn-backup-restore = ♻️ Restore
restore-choose = ♻️ <b>Restore</b>: choose a backup, or send me any ZIP file (a backup, another bot's backup, a GitHub archive, a folder of sources).
restore-no-backups = ♻️ You have no backups to restore yet. Send me any ZIP file to import it, or create a backup first.
import-zip-direct = That is a ZIP archive. Send it to me on its own (not after /save) and I will offer to import it.
import-too-large = 🚫 This archive is too large. Telegram lets me download files up to { $limit }.
import-backup-found = 📦 This ZIP is a codevault backup with { $count ->
    [one] 1 file
   *[other] { $count } files
  }. What should I do with it?
btn-import-restore = ♻️ Restore into my files
btn-import-keep = 📦 Keep it as a backup
import-kept = 📦 Kept as a backup ({ $count ->
    [one] 1 file
   *[other] { $count } files
  }, { $size }). Find it in 🗂 My backups.
restore-invalid = 🚫 I cannot use this archive: { $reason }. Nothing was changed.
restore-preview = ♻️ <b>Restore preview</b>
    { $new } new · { $unchanged } unchanged · { $conflicts ->
        [one] 1 conflict
       *[other] { $conflicts } conflicts
    } · { $rejected } rejected
restore-nothing = ☑️ Nothing to restore: every file in the archive is already in your library, unchanged.
restore-rejected-title = Not imported:
restore-rejected-item = • { $name } — { $reason }
restore-rejected-more = …and { $count } more.
btn-restore-ask = ❓ Ask me for each conflict
btn-restore-replace-all = ♻️ Replace all
btn-restore-skip-all = ⏭ Skip all
btn-restore-rename-all = ✏️ Rename all
btn-restore-go = ♻️ Restore
restore-use-buttons = Please choose with the buttons above, or /cancel.
conflict-title = ⚠️ <b>Conflict { $index } of { $total }: { $name }</b>
conflict-current = Yours now: { $size }, { $date }
conflict-incoming = In the archive: { $size }, { $date }
conflict-diff =
    First difference, line { $line }:
    <code>- { $current }</code>
    <code>+ { $incoming }</code>
btn-conflict-replace = ♻️ Replace
btn-conflict-skip = ⏭ Skip
btn-conflict-rename = ✏️ Rename
btn-conflict-replace-all = ♻️ Replace this and all remaining
btn-conflict-skip-all = ⏭ Skip this and all remaining
btn-conflict-rename-all = ✏️ Rename this and all remaining
restore-rename-ask = ✏️ Send a new name for the archived <b>{ $name }</b>, or use <b>{ $suggestion }</b>.
btn-restore-use-suggestion = ✅ Use the suggested name
restore-rename-taken = <b>{ $name }</b> is already taken. Send another name.
restore-rename-invalid = <b>{ $name }</b> cannot be used as a file name (no leading "/", no ".." parts, no backslashes). Send another name.
restore-too-many-conflicts = Only the first { $shown ->
    [one] conflict was
   *[other] { $shown } conflicts were
  } asked about; the rest are skipped (your versions stay).
restore-applying = ⏳ Taking an emergency backup, then restoring…
restore-done = ✅ Restored { $restored ->
    [one] 1 file
   *[other] { $restored } files
  }: { $new } new, { $replaced } replaced, { $renamed } renamed, { $skipped } skipped.
restore-done-history = 🕘 { $count ->
    [one] 1 earlier version from the backup came back with them, as its history.
   *[other] { $count } earlier versions from the backup came back with them, as their history.
  }
restore-done-unchanged = ☑️ { $count ->
    [one] 1 unchanged file was left as it is.
   *[other] { $count } unchanged files were left as they are.
  }
restore-done-rejected = 🚫 { $count ->
    [one] 1 entry was not imported (listed in the preview).
   *[other] { $count } entries were not imported (listed in the preview).
  }
restore-done-emergency = 🛟 An emergency backup of your library was taken first; it is in 🗂 My backups. Replaced files keep their old content as earlier versions.
restore-failed-rolled-back = ⚠️ The restore failed part-way, so I rolled everything back: your library is exactly as it was before. Please try again.
restore-error-rollback_pending = ⚠️ The restore failed part-way, and undoing it failed too (the database is not answering right now). Some restored files may be in your library until it is undone. I keep undoing it automatically until it is done and will tell you then; the emergency backup taken just before the restore is kept in 🗂 My backups.
restore-error-emergency_failed = ⚠️ I could not take the emergency backup I make before every restore, so I restored nothing: your library is exactly as it was. Please try again in a moment.
restore-error-previous_restore_pending = ⏳ Your previous restore is still being undone, so I cannot start a new one yet. I will tell you when it is done; your library is then exactly as it was before that restore.
restore-undone = ✅ The restore that failed earlier is now fully undone: your library is exactly as it was before it. The emergency backup taken just before it is still in 🗂 My backups. You can start a restore again.
reject-binary = binary file
reject-nested_archive = archive inside the archive (not opened)
reject-history_version = older version (history is not restored)
reject-invalid_name = unusable file name
reject-empty_name = empty file name
reject-too_large = too large
reject-not_in_manifest = not listed in metadata.json
archive-error-not_zip = it is not a ZIP file
archive-error-truncated = the file is cut short (truncated)
archive-error-corrupt = the archive is damaged { $entry }
archive-error-encrypted = it holds encrypted (password-protected) entries
archive-error-unsupported_method = it uses a compression method I do not support
archive-error-unsafe_path = an entry name tries to leave its folder or is an absolute path ({ $entry })
archive-error-too_many_entries = { $max ->
        [0] it has more entries than I can take in one archive
       *[other] it has more than { NUMBER($max) } entries
    }
archive-error-entry_too_large = an entry is larger than a whole archive may be ({ $entry })
archive-error-total_too_large = it unpacks to too much data
archive-error-size_mismatch = an entry is not the size it claims ({ $entry }) — possibly a ZIP bomb
archive-error-crc_mismatch = an entry fails its checksum ({ $entry })
archive-error-duplicate_name = two entries have the same name ({ $entry })
archive-error-invalid_name_encoding = an entry name is not valid text (UTF-8)
archive-error-manifest_invalid = its metadata.json cannot be read
archive-error-manifest_too_large = its metadata.json is far too large
archive-error-manifest_missing_file = metadata.json lists a file that is not in the archive ({ $entry })
archive-error-checksum_mismatch = a file does not match the checksum in metadata.json ({ $entry })
archive-error-not_text = a listed file is not valid text ({ $entry })
archive-error-source_missing = the backup is gone
archive-error-too_large = it is larger than 20 MB

## GitHub
github-usage =
    Send <code>/github owner/repo</code>, <code>/github owner/repo branch</code> or a github.com link.
    Private repositories need GITHUB_TOKEN on the server.
github-downloading = ⏳ Downloading <b>{ $repo }</b> from GitHub…
github-stored = 📦 <b>{ $repo }</b> is stored as a backup ({ $count ->
    [one] 1 text file
   *[other] { $count } text files
  }, { $size }). Import its files into your library?
btn-import-repo = ♻️ Import into my files
github-error-invalid_reference = That does not look like a GitHub repository. Send <code>/github owner/repo</code>.
github-error-not_found = I could not find <b>{ $repo }</b> on GitHub (or it is private and no token is set).
github-error-too_large = <b>{ $repo }</b> is too large: repository archives up to 45 MB are supported.
github-error-unavailable = GitHub did not answer for <b>{ $repo }</b>. Please try again later.
restore-interrupted = ⚠️ Your last restore was interrupted (the server restarted or lost its database), so I rolled it back: your library is exactly as it was before it started. You can start the restore again.

## Archive reading and library size (names, links, limits)
reject-duplicate_name = another file in the archive has the same name (differing at most in upper/lower case)
reject-duplicate_entry = metadata.json points it at an entry another file already uses
reject-symlink = symbolic link (skipped)
reject-special_file = device, pipe or socket (skipped)
file-error-name_twin = A file with the same name in other upper/lower case (or another Unicode form) is already in your library. Use exactly its name to save a new version of it, or choose another name.
file-error-library_full = Your library is full: it holds as many file versions (or as much data) as this server allows, so that every backup of it can be restored. Delete files you no longer need, then try again.

## Google Drive
drive-title = ☁️ <b>Google Drive</b>
drive-not-configured = ☁️ Google Drive is not set up on this server, so backups stay here and in this chat. The server's owner can turn it on (see the README).
drive-no-key = ☁️ Google Drive cannot be connected until the server's owner sets an encryption key for the connection (TOKEN_ENCRYPTION_KEY). Your backups are safe on the server meanwhile.
drive-not-connected = Not connected. Connect your Google Drive to keep a copy of your backups off this server. codevault only sees the files it creates there.
drive-disconnected-revoked = 🔌 Google no longer accepts codevault's access (it was revoked or has expired), so I disconnected. Connect again to keep uploading.
drive-disconnected-key = 🔌 The server's encryption key changed, so your Drive connection cannot be used any more. Connect again to keep uploading.
drive-connected-as = Connected as <b>{ $email }</b>.
drive-last-upload-ok = Last upload: { $date } ✅
drive-last-upload-failed = Last upload: { $date } ❌ { $reason }
drive-last-upload-none = No upload yet.
drive-copies =
    { $count ->
        [one] Copies on Drive: 1
       *[other] Copies on Drive: { $count }
    } (the newest { $keep } are kept, 🏆 ones always).
drive-copies-all =
    { $count ->
        [one] Copies on Drive: 1 (all are kept).
       *[other] Copies on Drive: { $count } (all are kept).
    }
btn-drive-connect = 🔗 Connect
btn-drive-upload = ⬆️ Upload now
btn-drive-keep = 🧹 Keep { $keep } on Drive
btn-drive-disconnect = 🚪 Disconnect
btn-drive-menu = ☁️ Google Drive
btn-drive-retry = 🔁 Try again
btn-drive-open-google = 🌐 Open { $url }
btn-backup-drive = ☁️ Upload to Drive
drive-connect-prompt =
    🔗 <b>Connect Google Drive</b>

    1. Open { $url } on any device (button below).
    2. Enter this code: <code>{ $code }</code>
    3. Choose your Google account and allow access.

    I am waiting for Google for { $minutes } minutes. /cancel stops.
drive-connect-ok = ✅ Connected as <b>{ $email }</b>. Your backups can go to Drive now.
drive-connect-denied = ❌ Access was declined on Google's page, so nothing was connected. Press 🔗 Connect to try again.
drive-connect-expired = ⌛ The code expired before it was used. Press 🔗 Connect for a new one.
drive-connect-cancelled = Connecting to Google Drive was cancelled. Nothing was connected.
drive-connect-failed = ⚠️ I could not finish connecting to Google Drive ({ $reason }). Nothing was stored; please try again.
drive-already-connected = Drive is already connected as { $email }. Disconnect first to use another account.
drive-busy = An upload to Drive is already running for you. I will tell you when it is done.
drive-preparing = ⬆️ Preparing a backup for Google Drive…
drive-uploading = ⬆️ Uploading the backup of { $date } ({ $size }) to Google Drive… { $percent }%
drive-upload-ok = ✅ On Google Drive, checked against Drive's checksum: <a href="{ $link }">{ $name }</a> ({ $size }).
drive-upload-ok-nolink = ✅ On Google Drive, checked against Drive's checksum: { $name } ({ $size }).
drive-upload-was-there = It was already on your Drive; I checked it again instead of uploading a second copy.
drive-upload-reused = Your library has not changed since the backup of { $date }, so I uploaded that one.
drive-pruned =
    { $count ->
        [one] 🧹 1 older copy was deleted from Drive.
       *[other] 🧹 { $count } older copies were deleted from Drive.
    }
drive-upload-failed = ⚠️ The upload to Google Drive failed: { $reason }
drive-backup-safe = Your backup is safe on the server.
drive-retry-hint = This looks temporary: press 🔁 Try again in a moment.
drive-reason-network = Google could not be reached.
drive-reason-timeout = Google took too long to answer.
drive-reason-rate_limited = Google asked us to slow down.
drive-reason-server = Google had a temporary problem.
drive-reason-md5_mismatch = the copy on Drive did not match the backup, so I removed it.
drive-reason-unauthorized = Google refused the sign-in for a moment.
drive-reason-revoked = Google no longer accepts codevault's access. Connect again.
drive-reason-quota = your Google Drive is full. Free some space there (or keep fewer copies) and try again.
drive-reason-folder_not_writable = codevault cannot write into the "codevault backups" folder on your Drive.
drive-reason-not_connected = Google Drive is not connected.
drive-reason-not_configured = Google Drive is not set up on this server.
drive-reason-no_key = Google Drive cannot be used until the server's owner sets an encryption key.
drive-reason-key_unknown = your Drive connection cannot be used any more. Connect again.
drive-reason-backup_missing = that backup no longer exists.
drive-reason-unexpected = something unexpected happened.
drive-reason-backup_failed = the backup could not be created.
drive-keep-done =
    { $count ->
        [0] 🧹 Nothing to tidy: Drive holds no more than the newest { $keep }.
        [one] 🧹 Deleted 1 older copy from Drive; the newest { $keep } stay.
       *[other] 🧹 Deleted { $count } older copies from Drive; the newest { $keep } stay.
    }
drive-disconnect-confirm = Disconnect Google Drive? codevault's access is revoked at Google and forgotten here. Backups already on your Drive stay there; backups on this server are not affected.
drive-disconnect-done = 🚪 Disconnected. codevault's access was revoked at Google and forgotten here.
drive-disconnect-local = 🚪 Disconnected here. Google could not be reached to revoke the access, so remove codevault at myaccount.google.com/permissions.
drive-disconnect-none = Drive is not connected.
backup-on-drive = ☁️ On Google Drive (checked) since { $date }
## Many users at once: heavy jobs one at a time per user, a few at once for everyone
heavy-busy = ⏳ One thing at a time — your { $job } is still running. Try again once it is done.
heavy-job-backup = backup
heavy-job-verify = backup check
heavy-job-restore = restore
heavy-job-import = import
heavy-job-upload = Drive upload
heavy-queued = ⏳ You're number { $position } in line — others' backups are running. I'll start yours as soon as it is your turn.
heavy-your-turn = ▶️ Your turn: starting now.
flood-slow-down = 🐢 Slow down a little — you sent too many messages at once, so I skipped some of them. Wait a minute, then go on.
## limits
limit-backups-full = 🗄 You have reached this server's limit for backups: you keep { $count ->
    [one] 1 backup
   *[other] { $count } backups
  } ({ $size }), and each person may keep { $max } ({ $maxSize }). Nothing new was stored. Delete backups you no longer need in /backup → 🗂 My backups, or take 🏆 off old ones so they can be rotated out automatically.
limit-imports-per-hour = ⏳ You have imported { $max } archives in the last hour, the most this server takes from one person. Nothing was downloaded or stored. Try again in { $minutes } min.
## privbot
menu-privacy = 🔒 Privacy
privacy-title = 🔒 <b>Private copies</b>
privacy-explain =
    Copies on Google Drive (and, if you want, backups sent here) can be encrypted with age, so only you can open them — not Google, not Telegram, not whoever runs this server. Backups kept on this server stay readable, so checks and restores keep working.

    🔑 <b>My key (recommended)</b>: I make a key for you and send its secret once. Only the public half stays here, so this server can make encrypted copies but can never open them. If you lose the key file, nobody can open those copies.
    🔤 <b>Passphrase</b>: copies open with a passphrase you choose. Scheduled copies need it, so it is kept here, encrypted with the server's key: whoever runs this server could open your copies in this mode.
    🚫 <b>Off</b>: copies are plain ZIP files.
privacy-status-off = Now: 🚫 off — new copies are plain ZIP files.
privacy-status-generated = Now: 🔑 my key (made here), public key <code>{ $recipient }</code>.
privacy-status-pasted = Now: 🔑 your own public key <code>{ $recipient }</code>.
privacy-status-passphrase = Now: 🔤 passphrase (kept encrypted on this server; the server could open these copies).
privacy-status-pending = ⏳ A key I made for you is waiting for you to confirm you saved it.
privacy-status-chat-on = 💬 Backups sent to this chat are encrypted too.
privacy-status-chat-off = 💬 Backups sent to this chat are plain ZIP files.
btn-privacy-generate = 🔑 Make me a key (recommended)
btn-privacy-paste = 📋 Use my own age1… public key
btn-privacy-passphrase = 🔤 Use a passphrase
btn-privacy-off = 🚫 Turn off
btn-privacy-chat-on = 💬 Also encrypt backups sent here
btn-privacy-chat-off = 💬 Stop encrypting backups sent here
btn-privacy-saved = ✅ I saved it
btn-privacy-menu = 🔒 Privacy
privacy-key-caption =
    🔑 <b>Your secret key.</b> Save this file now somewhere safe and private: a password manager, or print it on paper. Anyone who has it can open your copies; without it nobody can, not even me.

    I keep only the public half. Press "I saved it" and I delete this message and start encrypting new copies to this key.
    To open a copy without me: <code>age -d -i { $file } codevault-backup-….zip.age &gt; backup.zip</code>
privacy-key-confirmed = 🔒 Done. New copies are encrypted to your key; I deleted the message with the secret. Copies made before stay as they were.
privacy-key-stale = This key is no longer the one waiting; I deleted its message. Make a new key from the 🔒 Privacy menu.
privacy-paste-ask = 📋 Send me your age public key (it starts with <code>age1</code>; <code>age-keygen -y key.txt</code> prints it). Never send the secret key. /cancel to stop.
privacy-recipient-set = 🔒 Done. New copies are encrypted to <code>{ $recipient }</code>; only its secret key opens them.
privacy-passphrase-ask = 🔤 Type your passphrase (at least { $min } characters; a few random words are best). I delete your message at once.
    ⚠️ In this mode the passphrase is kept on this server (encrypted with the server's key) so scheduled copies can use it: whoever runs this server could open your copies. /cancel to stop.
privacy-passphrase-set = 🔒 Done, and I deleted your message. New copies are encrypted with your passphrase. Remember: this server keeps it (encrypted) and so could open these copies.
privacy-passphrase-unavailable = Passphrase mode needs an encryption key on the server, which its owner has not set. Use "My key" instead.
privacy-off-done = 🚫 Private copies are off: new copies are plain ZIP files.
privacy-new-copies-only = This affects new copies only: copies made before keep their encryption and still open with the key or passphrase they were made with.
privacy-chat-on-done = 💬 Backups sent to this chat will be encrypted too.
privacy-chat-off-done = 💬 Backups sent to this chat will be plain ZIP files.
privacy-chat-needs-mode = Choose a key or a passphrase first; then backups sent here can be encrypted.
privacy-message-deleted = (I deleted your message.)
privacy-error-not_age = This is not an age-encrypted file.
privacy-error-unsupported = This age file uses a feature I cannot open (another version, ASCII armor, or a too-high scrypt work factor). Open it with the age tool instead.
privacy-error-wrong_key = That does not open this file. Nothing was changed.
privacy-error-truncated = This file is cut short, or damaged at its very end (its last part does not check out). Nothing was changed.
privacy-error-tampered = This file was changed or damaged since it was made, so I will not trust it. Nothing was changed.
privacy-error-invalid_identity = That is not an age secret key (a line starting with <code>AGE-SECRET-KEY-1</code>).
privacy-error-invalid_recipient = That is not an age public key (it starts with <code>age1</code>). Never send the secret key.
privacy-error-weak_passphrase = A passphrase needs { $min } to { $max } characters. Nothing was changed.
privacy-error-no_server_key = Passphrase copies need an encryption key on the server, which its owner has not set.
privacy-error-no_pending_key = This key is no longer the one waiting. Make a new key from the 🔒 Privacy menu.
age-restore-needs-identity = 🔒 <b>{ $name }</b> is encrypted to a key. Send me the key file (codevault-key-….txt) or paste its <code>AGE-SECRET-KEY-1…</code> line. I delete your message at once, use the key only to open this file, and never keep it. /cancel to stop.
age-restore-needs-passphrase = 🔒 <b>{ $name }</b> is encrypted with a passphrase. Type it: I delete your message at once, use it only to open this file, and never keep it. /cancel to stop.
age-restore-opening = 🔓 Opening the encrypted backup…
age-restore-not-a-key = This file needs a secret key (<code>AGE-SECRET-KEY-1…</code>), not a passphrase. Try again, or /cancel.
age-restore-try-again = Try again, or /cancel.
age-restore-key-file-too-large = That file is too large to be a key file. Send the key file (codevault-key-….txt) or paste its line.
backup-caption-encrypted = 🔒 Encrypted copy with { $count } files, { $date }. Open it with your key or passphrase (<code>age -d</code>), or send it back to me to restore.
drive-copies-encrypted = 🔒 { $count } of them encrypted (only your key or passphrase opens those).
drive-privacy-on = 🔒 New copies are encrypted (🔒 Privacy menu).
drive-upload-encrypted = 🔒 Encrypted: only your key or passphrase opens it.
backup-on-drive-encrypted = ☁️🔒 On Google Drive, encrypted (checked) since { $date }
privacy-delete-yourself = ⚠️ I could not delete your message: delete it yourself, it holds a secret.
age-restore-opened = 🔓 Opened <b>{ $name }</b>; the key is already forgotten. Next, I check the backup inside and show what a restore would change — nothing changes until you choose.
btn-age-restore-continue = ▶️ Show what it restores
age-restore-send-again = Send the file again to try another key or passphrase.
## sched
btn-schedule = 🗓 Schedule
btn-schedule-daily = 🗓 Daily
btn-schedule-weekly = 🗓 Weekly
btn-schedule-monthly = 🗓 Monthly (1st)
btn-schedule-off = ⛔ Off
btn-schedule-hour = 🕒 Time: { $time }
btn-schedule-zone = 🌍 Time zone: { $zone }
btn-schedule-quiet-on = ✅ line after each run: on
btn-schedule-quiet-off = ✅ line after each run: off
btn-schedule-try-now = 🔁 Try now
btn-drive-reconnect = 🔗 Reconnect
btn-back = ⬅️ Back
weekday-0 = Sunday
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
schedule-when-daily = every day at { $time }
schedule-when-weekly = every { $day } at { $time }
schedule-when-monthly = on the 1st of every month at { $time }
schedule-title = 🗓 <b>Scheduled backups to Google Drive</b>
schedule-explain = Each run makes a backup (or sees that nothing changed) and uploads it to your Drive. If Google has a passing problem, I try again by myself; if something needs you, I tell you.
schedule-status-none = 🗓 Schedule: off. Times are in { $zone }.
schedule-status = 🗓 Schedule: { $when } ({ $zone })
schedule-status-paused = ⏸ Paused until you reconnect Google Drive (the schedule is kept).
schedule-status-next = Next run: { $date }
schedule-status-last = Last run: { $date } — { $result }
schedule-status-last-none = Last run: not yet.
schedule-result-uploaded = ✅ uploaded
schedule-result-unchanged = ✅ nothing changed, nothing uploaded
schedule-result-retrying = 🔁 { $reason } Trying again.
schedule-result-failed = ❌ { $reason }
schedule-result-needs_user = ⚠️ { $reason }
schedule-pick-day = 🗓 On which day of the week?
schedule-pick-hour = 🕒 At what time ({ $zone })?
schedule-saved = ✅ Saved: { $when } ({ $zone }).
schedule-turned-off = ⛔ Scheduled backups are off. Backups already on the server and on your Drive are not affected.
schedule-need-drive = Connect Google Drive first: a schedule uploads your backups there.
schedule-quiet-now-on = From now on, each successful run sends a short ✅ line.
schedule-quiet-now-off = From now on, successful runs stay quiet; you still hear about every problem.
schedule-zone-ask = 🌍 Type your time zone as a name like Europe/London, America/New_York or Asia/Jerusalem. Now: { $zone }. /cancel keeps it.
schedule-zone-invalid = “{ $zone }” is not a time zone I know. Type a name like Europe/London or Asia/Jerusalem, or /cancel.
schedule-zone-saved = 🌍 Time zone saved: { $zone }.
schedule-none = There is no schedule to change. Pick one under ☁️ Google Drive → 🗓 Schedule.
schedule-resumed = ▶️ Your backup schedule runs again.
schedule-try-now-started = 🔁 Uploading that backup to Google Drive again now. I will tell you how it went.
drive-retry-scheduled = 🔁 I will try again by myself around { $date } and tell you how it went.
notice-uploaded = ✅ Scheduled backup on Google Drive ({ $size }), checked against Drive's checksum.
notice-uploaded-link = ✅ Scheduled backup on Google Drive: <a href="{ $link }">open it</a> ({ $size }), checked against Drive's checksum.
notice-retry-uploaded = ✅ The upload that failed earlier went through: your backup is on Google Drive ({ $size }), checked against Drive's checksum.
notice-was-there = It was already on your Drive; I checked it instead of uploading it twice.
notice-unchanged = ✅ Scheduled backup: your library has not changed since the last copy on Google Drive, so nothing was uploaded.
notice-failed =
    { $attempts ->
        [one] ⚠️ The upload to Google Drive failed: { $reason }
       *[other] ⚠️ The upload to Google Drive failed { $attempts } times: { $reason }
    }
notice-try-now = Press 🔁 Try now to upload it again.
notice-needs-reconnect-paused = 🔌 Google no longer accepts codevault's access (it was revoked or has expired). I paused your backup schedule; it is kept and runs again once you press 🔗 Reconnect.
notice-needs-reconnect = 🔌 Google no longer accepts codevault's access (it was revoked or has expired). Press 🔗 Reconnect to keep uploading.
notice-drive-full = ⚠️ Your Google Drive is full: { $used } of { $limit } used, and this backup needs { $size }. Free some space there (or keep fewer copies); I will not retry until then.
notice-drive-full-nosizes = ⚠️ Your Google Drive is full. Free some space there (or keep fewer copies); I will not retry until then.
notice-needs-attention = ⚠️ The upload to Google Drive could not be done: { $reason }
notice-overdue = ⏰ No backup has reached your Google Drive since { $date }, though your schedule runs { $when }. Open ☁️ Google Drive to see why.
notice-overdue-never = ⏰ No backup has reached your Google Drive since the schedule was set on { $date }, though it runs { $when }. Open ☁️ Google Drive to see why.
notice-self-check = 🔎 The weekly check of your backups found a problem:
notice-self-check-backup_corrupt = • Your newest backup ({ $date }) no longer matches its checksums. Make a fresh backup soon.
notice-self-check-drive_copy_mismatch = • The copy on Google Drive of the backup of { $date } differs from it. It no longer counts as checked; the next run uploads it again.
notice-self-check-drive_copy_missing = • The copy on Google Drive of the backup of { $date } is gone. The next run uploads it again.
schedule-period-daily = every day
schedule-period-weekly = every week
schedule-period-monthly = every month
