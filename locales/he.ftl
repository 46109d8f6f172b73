# codevault — עברית

## פקודות
cmd-start = תפריט ראשי
cmd-files = קובצי הקוד שלי
cmd-save = שמירת קוד: /save name.py #תגית
cmd-backup = גיבויים
cmd-github = ייבוא מאגר GitHub
cmd-restore = שחזור מגיבוי
cmd-drive = Google Drive
cmd-language = החלפת שפה
cmd-help = איך משתמשים ב-codevault
cmd-cancel = ביטול הפעולה הנוכחית

## תפריט ראשי
start-welcome =
    👋 שלום { $name }! אני שומר את קובצי הקוד שלך בבטחה.

    שלחו לי קובץ קוד (או שמרו קטע עם /save) ואשמור אותו עם השפה, התגיות, ההערה וכל הגרסאות.
menu-title = 🏠 <b>תפריט ראשי</b>
menu-files = 📁 הקבצים שלי
menu-save = 💾 שמירת קוד
menu-backups = 📦 גיבויים
menu-restore = ♻️ שחזור
menu-drive = ☁️ Google Drive
menu-language = 🌐 שפה
menu-help = ❓ עזרה
btn-home = 🏠 תפריט ראשי

help-text =
    <b>codevault</b> שומר את קובצי הקוד שלכם ולעולם לא מאבד אותם.

    <b>קבצים</b>
    • שלחו קובץ קוד כמסמך כדי לשמור אותו. אפשר להוסיף <code>#תגיות</code> והערה בכיתוב.
    • <code>/save app.py #tag</code>, ואז שלחו את הקוד בהודעה הבאה.
    • שליחה חוזרת של אותו שם יוצרת גרסה חדשה; הגרסאות הקודמות נשמרות.
    • /files מציג את הקבצים: פתחו קובץ כדי לראות אותו, להוריד אותו, לעבור על גרסאותיו, לערוך הערה או תגיות, או למחוק (עם ביטול).

    <b>גיבויים</b>
    • /backup יוצר ZIP של כל הקבצים שלכם (או של כל הגרסאות) עם metadata.json, שומר אותו כאן ושולח אותו אליכם.
    • ב-🗂 הגיבויים שלי: להוריד, לדרג (גיבויי 🏆 לעולם לא נמחקים אוטומטית), להוסיף הערה, לאמת כל קובץ מול סכום הביקורת שלו, או למחוק גיבוי אחד או כמה.
    • ‎/drive מחבר את ה-Google Drive שלכם: ⬆️ מעלה גיבוי לתיקייה "codevault backups" שם (נבדק מול סכום הביקורת של Drive), ☁️ מסמן גיבויים שיש להם עותק, והעותקים החדשים נשמרים.

    <b>שחזור וייבוא</b>
    • /restore (או ♻️ בגיבוי) מראה מה ישתנה; אתם מחליטים על כל התנגשות (להחליף, לדלג או לשנות שם). קודם נלקח גיבוי חירום, ושחזור שנכשל מבוטל במלואו.
    • שלחו כל קובץ ZIP כדי לייבא אותו: גיבוי של codevault, גיבוי של בוט אחר, ארכיון GitHub או תיקיית קוד.
    • <code>/github owner/repo</code> מייבא מאגר GitHub.

    <b>הגדרות</b>
    • /language מחליף בין עברית לאנגלית.
    • /cancel עוצר את מה שאתם עושים; שום דבר לא משתנה.


## כללי
cancel-done = ❌ בוטל. שום דבר לא השתנה.
cancel-nothing = אין מה לבטל.
not-allowed = 🔒 מצטערים, ה-codevault הזה פרטי. בקשו מהבעלים להוסיף את מזהה הטלגרם שלכם ({ $id }) למשתמשים המורשים.
error-generic = ⚠️ משהו השתבש אצלי. שום דבר ששמרתם לא אבד; נסו שוב בעוד רגע.
button-expired = הכפתור הזה כבר לא בתוקף. פתחו את התפריט מחדש עם /start.
list-item = • { $text }
btn-cancel = ✖️ ביטול
btn-prev = ▶️ הקודם
btn-next = הבא ◀️

## שמירה
save-how =
    💾 <b>שמירת קוד</b>

    שלחו קובץ קוד כמסמך (עד 20 MB), או כתבו <code>/save name.py #tag</code> ושלחו את הקוד בהודעה הבאה.
save-usage =
    כתבו את שם הקובץ: <code>/save app.py #tag1 #tag2</code>
    ואז שלחו את הקוד בהודעה הבאה.
save-send-code = ✍️ שלחו עכשיו את הקוד של <b>{ $name }</b>, כהודעה או כקובץ. /cancel לביטול.
save-expect-code = שלחו את הקוד כהודעת טקסט או כקובץ, או /cancel.
save-created = ✅ <b>{ $name }</b> נשמר ({ $language }, { $size }).
save-new-version = ✅ <b>{ $name }</b> נשמר כגרסה { $version } ({ $language }, { $size }). הגרסאות הקודמות נשמרות.
save-unchanged = ☑️ <b>{ $name }</b> לא השתנה: גרסה { $version } כבר מכילה בדיוק את התוכן הזה.
save-binary = 🚫 <b>{ $name }</b> נראה כמו קובץ בינארי. אני שומר רק קובצי טקסט וקוד.
save-too-large = 🚫 <b>{ $name }</b> גדול מדי. טלגרם מאפשר לי להוריד קבצים עד { $limit }.
btn-open = 📄 פתיחה

## קבצים
files-empty = 📭 הספרייה שלכם ריקה. שלחו לי קובץ קוד כדי לשמור אותו.
files-title = 📁 <b>הקבצים שלכם</b> ({ $total }) — עמוד { $page } מתוך { $pages }
files-line = 📄 <b>{ $name }</b> · { $language } · גרסה { $version } · { $size }
file-tags = 🏷 { $tags }
file-note = 📝 { $note }
file-detail =
    📄 <b>{ $name }</b>
    { $language } · גרסה { $version } · { $size }
    🕒 { $updated }
file-old-version = ⏳ זוהי גרסה ישנה.
file-empty-content = (קובץ ריק)
file-sent-as-document = הקובץ ארוך מדי להודעה; אני שולח אותו כמסמך.
file-document-caption = { $name } · גרסה { $version }
file-not-found = הקובץ לא נמצא. ייתכן שנמחק.
btn-versions = 📜 גרסאות
btn-download = ⬇️ הורדה
btn-note = 📝 הערה
btn-tags = 🏷 תגיות
btn-delete = 🗑 מחיקה
btn-back-files = ➡️ חזרה לקבצים
btn-back-file = ➡️ חזרה לקובץ
btn-back-versions = ➡️ חזרה לגרסאות
versions-title = 📜 <b>{ $name }</b>: { $count ->
    [one] גרסה אחת
    [two] שתי גרסאות
   *[other] { $count } גרסאות
  }
versions-page = עמוד { $page } מתוך { $pages }
version-line = גרסה { $version } · { $size } · { $date }
version-button = גרסה { $version } · { $date }
file-delete-confirm = 🗑 למחוק את <b>{ $name }</b> ואת כל הגרסאות שלו? אפשר לבטל את זה.
btn-confirm-delete = 🗑 כן, למחוק
file-deleted = 🗑 <b>{ $name }</b> נמחק.
btn-undo = ↩️ ביטול המחיקה
file-undo-done = ↩️ הקובץ חזר.
file-undo-failed = אין מה לבטל: הקובץ כבר חזר, או שקובץ חדש תפס את שמו.

note-ask =
    📝 שלחו את ההערה החדשה ל-<b>{ $name }</b> (עד { $max } תווים), או <code>-</code> כדי לנקות אותה. /cancel משאיר אותה כמו שהיא.
    כרגע: { $current }
tags-ask =
    🏷 שלחו את התגיות ל-<b>{ $name }</b>, למשל <code>#util #cli</code>, או <code>-</code> כדי לנקות אותן. /cancel משאיר אותן כמו שהן.
    כרגע: { $current }
edit-expect-text = שלחו טקסט, או /cancel.
note-saved = 📝 ההערה ל-<b>{ $name }</b> נשמרה: { $value }
tags-saved = 🏷 התגיות ל-<b>{ $name }</b> נשמרו: { $value }

file-error-not_found = הקובץ לא נמצא. ייתכן שנמחק.
file-error-name_empty = שם הקובץ ריק.
file-error-name_too_long = שם הקובץ ארוך מדי (עד 255 תווים).
file-error-name_invalid = אי אפשר להשתמש בשם הזה: בלי "/" בהתחלה, בלי חלקי "..", בלי לוכסנים הפוכים, נקודתיים, תווי בקרה, כיווניות או תווים בלתי נראים, בלי שמות התקנים של Windows (CON, NUL, COM1…) ובלי חלק שמסתיים בנקודה או ברווח.
file-error-too_large = הקובץ גדול מדי (עד 20 MB).
file-error-note_too_long = ההערה ארוכה מדי: עד { $max } תווים.
file-error-too_many_tags = יותר מדי תגיות: עד 20.

## שפה
language-choose = 🌐 בחרו שפה:
language-set = ✅ מעכשיו אדבר איתכם בעברית.
language-name-en = 🇬🇧 English
language-name-he = 🇮🇱 עברית

## גיבויים
backups-title = 📦 <b>גיבויים</b>
backups-summary = { $count ->
    [one] יש לכם גיבוי אחד
   *[other] יש לכם { $count } גיבויים
  }. האחרון מ-{ $date }.
backups-none = אין לכם עדיין גיבויים. גיבוי הוא קובץ ZIP של כל הקבצים שלכם עם metadata.json, שנשמר כאן בבטחה ונשלח אליכם.
btn-backup-create = 📦 יצירת גיבוי
btn-backup-create-history = 📚 גיבוי עם כל הגרסאות
btn-backup-list = 🗂 הגיבויים שלי
btn-backups-menu = ➡️ גיבויים
btn-back-backups = ➡️ חזרה לגיבויים שלי
btn-back-backup = ➡️ חזרה לגיבוי
btn-backup-verify = ✅ אימות
btn-backup-rate = ⭐ דירוג
btn-backup-select = ☑️ בחירת כמה גיבויים למחיקה
btn-backup-delete-selected = 🗑 מחיקת הנבחרים ({ $count })
backup-creating = ⏳ יוצר את הגיבוי שלכם…
backup-create-failed = ⚠️ לא הצלחתי ליצור את הגיבוי. שום דבר לא נשמר והקבצים שלכם לא נפגעו; נסו שוב.
backup-created = ✅ הגיבוי מוכן: { $count ->
    [one] קובץ אחד
   *[other] { $count } קבצים
  }, { $size } (ZIP { $zip }).
backup-created-history = ✅ גיבוי עם כל הגרסאות מוכן: { $count ->
    [one] קובץ אחד
   *[other] { $count } קבצים
  }, { $size } (ZIP { $zip }).
backup-created-empty = ✅ הגיבוי מוכן. הספרייה שלכם ריקה, ולכן הוא מכיל רק את metadata.json.
backup-caption = גיבוי codevault · { $count ->
    [one] קובץ אחד
   *[other] { $count } קבצים
  } · { $date }
backup-part-caption = גיבוי codevault · חלק { $part } מתוך { $total } · { $date }
backup-sending-parts = הגיבוי גדול ממה שטלגרם מאפשר לי לשלוח בבת אחת, ולכן הוא יגיע ב{ $count ->
    [one] חלק ZIP אחד
    [two]שני חלקי ZIP
   *[other]-{ $count } חלקי ZIP
  } של עד { $limit }. כל חלק מכיל קבצים שלמים וניתן לשחזור בפני עצמו.
backups-list-empty = 🗂 אין לכם עדיין גיבויים.
backups-list-title = 🗂 <b>הגיבויים שלי</b> ({ $total }) — עמוד { $page } מתוך { $pages }
backup-line = 📦 <b>{ $date }</b> · { $count ->
    [one] קובץ אחד
   *[other] { $count } קבצים
  } · { $zip }{ $rating }
backup-line-note = {"   "}📝 { $note }
backup-detail =
    📦 <b>גיבוי מ-{ $date }</b>
    { $type } · { $count ->
        [one] קובץ אחד
       *[other] { $count } קבצים
    } · { $size } · ZIP { $zip }
backup-with-history = 📚 כולל את כל הגרסאות של כל קובץ.
backup-type-full_backup = גיבוי מלא
backup-type-github_repo_zip = מאגר GitHub
backup-type-google_drive_backup = גיבוי Google Drive
backup-type-imported_zip = ZIP מיובא
backup-type-emergency = גיבוי חירום (לפני שחזור)
backup-last-verified-ok = ✅ אומת ב-{ $date }
backup-last-verified-bad = ❌ האימות נכשל ב-{ $date }
backup-not-found = הגיבוי לא נמצא. ייתכן שנמחק.
rating-excellent = מצוין
rating-good = טוב
rating-ok = סביר
backup-rate-ask = ⭐ כמה טוב הגיבוי הזה? גיבויי 🏆 לעולם לא נמחקים אוטומטית.
backup-rated = דורג { $icon }
backup-note-ask =
    📝 שלחו הערה לגיבוי הזה (עד { $max } תווים), או <code>-</code> כדי לנקות אותה. /cancel משאיר אותה כמו שהיא.
    כרגע: { $current }
backup-note-saved = 📝 ההערה נשמרה: { $value }
backup-note-too-long = ההערה ארוכה מדי: עד { $max } תווים. שלחו הערה קצרה יותר, או /cancel.
backup-verifying = ⏳ בודק כל קובץ…
backup-verify-ok = ✅ אומת: קובץ ה-ZIP שלם ו{ $count ->
    [one] הקובץ היחיד בו תואם לסכום הביקורת שלו
    [two]שני הקבצים בו תואמים לסכומי הביקורת שלהם
   *[other]כל { $count } הקבצים תואמים לסכומי הביקורת שלהם
  } ({ $size }).
backup-verify-failed = ❌ האימות מצא { $count ->
    [one] בעיה אחת
   *[other] { $count } בעיות
  }:
verify-zip_sha256_mismatch = קובץ ה-ZIP השמור השתנה מאז שנוצר (סכום הביקורת שונה)
verify-archive_invalid = הארכיון פגום ב-{ $entry }
verify-manifest_missing = הקובץ metadata.json חסר
verify-manifest_invalid = אי אפשר לקרוא את metadata.json
verify-file_missing = { $name } מופיע ברשימה אך חסר
verify-file_mismatch = { $name } לא תואם לסכום הביקורת שלו
verify-stored_bytes_missing = קובץ ה-ZIP השמור נעלם
backup-delete-confirm = 🗑 למחוק את הגיבוי הזה? אי אפשר לבטל את זה.
backups-delete-many-confirm = 🗑 למחוק { $count ->
    [one] גיבוי אחד
   *[other] { $count } גיבויים
  }? אי אפשר לבטל את זה.
backups-select-title = ☑️ <b>בחירת גיבויים למחיקה</b> — { $count } נבחרו — עמוד { $page } מתוך { $pages }
backups-select-none = בחרו קודם לפחות גיבוי אחד.
backups-deleted = 🗑 { $count ->
    [one] נמחק גיבוי אחד
   *[other] נמחקו { $count } גיבויים
  }.

## שחזור וייבוא
btn-backup-restore = ♻️ שחזור
restore-choose = ♻️ <b>שחזור</b>: בחרו גיבוי, או שלחו לי כל קובץ ZIP (גיבוי, גיבוי של בוט אחר, ארכיון GitHub, תיקיית קוד).
restore-no-backups = ♻️ אין לכם עדיין גיבויים לשחזור. שלחו לי כל קובץ ZIP כדי לייבא אותו, או צרו גיבוי קודם.
import-zip-direct = זה ארכיון ZIP. שלחו אותו אליי בנפרד (לא אחרי /save) ואציע לייבא אותו.
import-too-large = 🚫 הארכיון גדול מדי. טלגרם מאפשר לי להוריד קבצים עד { $limit }.
import-backup-found = 📦 קובץ ה-ZIP הזה הוא גיבוי codevault עם { $count ->
    [one] קובץ אחד
   *[other] { $count } קבצים
  }. מה לעשות איתו?
btn-import-restore = ♻️ לשחזר לקבצים שלי
btn-import-keep = 📦 לשמור אותו כגיבוי
import-kept = 📦 נשמר כגיבוי ({ $count ->
    [one] קובץ אחד
   *[other] { $count } קבצים
  }, { $size }). הוא נמצא ב-🗂 הגיבויים שלי.
restore-invalid = 🚫 אי אפשר להשתמש בארכיון הזה: { $reason }. שום דבר לא השתנה.
restore-preview = ♻️ <b>תצוגה מקדימה של השחזור</b>
    חדשים: { $new } · ללא שינוי: { $unchanged } · התנגשויות: { $conflicts } · נדחו: { $rejected }
restore-nothing = ☑️ אין מה לשחזר: כל הקבצים בארכיון כבר נמצאים בספרייה שלכם, ללא שינוי.
restore-rejected-title = לא יובאו:
restore-rejected-item = • { $name } — { $reason }
restore-rejected-more = …ועוד { $count }.
btn-restore-ask = ❓ לשאול אותי על כל התנגשות
btn-restore-replace-all = ♻️ להחליף הכול
btn-restore-skip-all = ⏭ לדלג על הכול
btn-restore-rename-all = ✏️ לשנות שם לכולם
btn-restore-go = ♻️ לשחזר
restore-use-buttons = בחרו באחד הכפתורים למעלה, או /cancel.
conflict-title = ⚠️ <b>התנגשות { $index } מתוך { $total }: { $name }</b>
conflict-current = אצלכם עכשיו: { $size }, { $date }
conflict-incoming = בארכיון: { $size }, { $date }
conflict-diff =
    ההבדל הראשון, שורה { $line }:
    <code>- { $current }</code>
    <code>+ { $incoming }</code>
btn-conflict-replace = ♻️ להחליף
btn-conflict-skip = ⏭ לדלג
btn-conflict-rename = ✏️ שם חדש
btn-conflict-replace-all = ♻️ להחליף את זה ואת כל השאר
btn-conflict-skip-all = ⏭ לדלג על זה ועל כל השאר
btn-conflict-rename-all = ✏️ שם חדש לזה ולכל השאר
restore-rename-ask = ✏️ שלחו שם חדש ל-<b>{ $name }</b> מהארכיון, או השתמשו ב-<b>{ $suggestion }</b>.
btn-restore-use-suggestion = ✅ להשתמש בשם המוצע
restore-rename-taken = השם <b>{ $name }</b> כבר תפוס. שלחו שם אחר.
restore-rename-invalid = אי אפשר להשתמש ב-<b>{ $name }</b> כשם קובץ (בלי "/" בהתחלה, בלי חלקי "..", בלי לוכסנים הפוכים). שלחו שם אחר.
restore-too-many-conflicts = נשאלתם רק על { $shown ->
    [one] ההתנגשות הראשונה
    [two] שתי ההתנגשויות הראשונות
   *[other] { $shown } ההתנגשויות הראשונות
  }; על השאר דילגתי (הגרסאות שלכם נשארות).
restore-applying = ⏳ לוקח גיבוי חירום, ואז משחזר…
restore-done = ✅ { $restored ->
    [one] שוחזר קובץ אחד
    [two] שוחזרו שני קבצים
   *[other] שוחזרו { $restored } קבצים
  }. חדשים: { $new }, הוחלפו: { $replaced }, קיבלו שם חדש: { $renamed }, דולגו: { $skipped }.
restore-done-history = 🕘 { $count ->
    [one] גרסה קודמת אחת מהגיבוי שוחזרה יחד איתם, כהיסטוריה.
    [two] שתי גרסאות קודמות מהגיבוי שוחזרו יחד איתם, כהיסטוריה שלהם.
   *[other] { $count } גרסאות קודמות מהגיבוי שוחזרו יחד איתם, כהיסטוריה שלהם.
  }
restore-done-unchanged = ☑️ { $count ->
    [one] קובץ אחד ללא שינוי נשאר כמו שהוא.
    [two] שני קבצים ללא שינוי נשארו כמו שהם.
   *[other] { $count } קבצים ללא שינוי נשארו כמו שהם.
  }
restore-done-rejected = 🚫 { $count ->
    [one] פריט אחד לא יובא (מופיע בתצוגה המקדימה).
    [two] שני פריטים לא יובאו (מופיעים בתצוגה המקדימה).
   *[other] { $count } פריטים לא יובאו (מופיעים בתצוגה המקדימה).
  }
restore-done-emergency = 🛟 קודם נלקח גיבוי חירום של הספרייה שלכם; הוא נמצא ב-🗂 הגיבויים שלי. קבצים שהוחלפו שומרים את התוכן הקודם כגרסאות קודמות.
restore-failed-rolled-back = ⚠️ השחזור נכשל באמצע, ולכן ביטלתי הכול: הספרייה שלכם בדיוק כמו שהייתה לפני כן. נסו שוב.
restore-error-rollback_pending = ⚠️ השחזור נכשל באמצע, וגם הביטול שלו נכשל (מסד הנתונים לא עונה כרגע). ייתכן שחלק מהקבצים המשוחזרים יופיעו בספרייה שלכם עד שהביטול יושלם. אמשיך לבטל אותו אוטומטית עד שיצליח ואודיע לכם; גיבוי החירום שנלקח ממש לפני השחזור נשמר ב־🗂 הגיבויים שלי.
restore-error-emergency_failed = ⚠️ לא הצלחתי ליצור את גיבוי החירום שאני לוקח לפני כל שחזור, ולכן לא שחזרתי דבר: הספרייה שלכם בדיוק כמו שהייתה. נסו שוב בעוד רגע.
restore-error-previous_restore_pending = ⏳ השחזור הקודם שלכם עדיין מבוטל, ולכן אי אפשר להתחיל שחזור חדש כרגע. אודיע לכם כשהביטול יסתיים; אז הספרייה תהיה בדיוק כמו שהייתה לפני אותו שחזור.
restore-undone = ✅ השחזור שנכשל קודם בוטל עכשיו לגמרי: הספרייה שלכם בדיוק כמו שהייתה לפניו. גיבוי החירום שנלקח ממש לפניו עדיין נמצא ב־🗂 הגיבויים שלי. אפשר להתחיל שחזור מחדש.
reject-binary = קובץ בינארי
reject-nested_archive = ארכיון בתוך הארכיון (לא נפתח)
reject-history_version = גרסה ישנה (היסטוריה לא משוחזרת)
reject-invalid_name = שם קובץ לא שמיש
reject-empty_name = שם קובץ ריק
reject-too_large = גדול מדי
reject-not_in_manifest = לא מופיע ב-metadata.json
archive-error-not_zip = זה לא קובץ ZIP
archive-error-truncated = הקובץ קטוע
archive-error-corrupt = הארכיון פגום { $entry }
archive-error-encrypted = הוא מכיל פריטים מוצפנים (מוגנים בסיסמה)
archive-error-unsupported_method = הוא משתמש בשיטת דחיסה שאינני תומך בה
archive-error-unsafe_path = שם של פריט מנסה לצאת מהתיקייה שלו או שהוא נתיב מוחלט ({ $entry })
archive-error-too_many_entries = { $max ->
        [0] יש בו יותר פריטים ממה שאני יכול לקבל בארכיון אחד
       *[other] יש בו יותר מ-{ NUMBER($max) } פריטים
    }
archive-error-entry_too_large = פריט גדול ממה שארכיון שלם יכול להיות ({ $entry })
archive-error-total_too_large = הוא נפרס לכמות נתונים גדולה מדי
archive-error-size_mismatch = פריט אינו בגודל שהוא מצהיר ({ $entry }) — אולי פצצת ZIP
archive-error-crc_mismatch = פריט נכשל בבדיקת סכום הביקורת ({ $entry })
archive-error-duplicate_name = לשני פריטים יש אותו שם ({ $entry })
archive-error-invalid_name_encoding = שם של פריט אינו טקסט תקין (UTF-8)
archive-error-manifest_invalid = אי אפשר לקרוא את ה-metadata.json שלו
archive-error-manifest_too_large = ה-metadata.json שלו גדול מדי
archive-error-manifest_missing_file = ה-metadata.json מציין קובץ שאינו בארכיון ({ $entry })
archive-error-checksum_mismatch = קובץ אינו תואם לסכום הביקורת שב-metadata.json ({ $entry })
archive-error-not_text = קובץ ברשימה אינו טקסט תקין ({ $entry })
archive-error-source_missing = הגיבוי כבר לא קיים
archive-error-too_large = הוא גדול מ-20 MB

## GitHub
github-usage =
    שלחו <code>/github owner/repo</code>, <code>/github owner/repo branch</code> או קישור ל-github.com.
    מאגרים פרטיים דורשים GITHUB_TOKEN בשרת.
github-downloading = ⏳ מוריד את <b>{ $repo }</b> מ-GitHub…
github-stored = 📦 <b>{ $repo }</b> נשמר כגיבוי ({ $count ->
    [one] קובץ טקסט אחד
    [two] שני קובצי טקסט
   *[other] { $count } קובצי טקסט
  }, { $size }). לייבא את הקבצים שלו לספרייה שלכם?
btn-import-repo = ♻️ לייבא לקבצים שלי
github-error-invalid_reference = זה לא נראה כמו מאגר GitHub. שלחו <code>/github owner/repo</code>.
github-error-not_found = לא מצאתי את <b>{ $repo }</b> ב-GitHub (או שהוא פרטי ולא הוגדר טוקן).
github-error-too_large = <b>{ $repo }</b> גדול מדי: נתמכים ארכיוני מאגרים עד 45 MB.
github-error-unavailable = GitHub לא ענה עבור <b>{ $repo }</b>. נסו שוב מאוחר יותר.
restore-interrupted = ⚠️ השחזור האחרון שלכם נקטע (השרת הופעל מחדש או איבד את מסד הנתונים), ולכן ביטלתי אותו: הספרייה שלכם בדיוק כמו שהייתה לפני שהתחיל. אפשר להתחיל את השחזור מחדש.

## Archive reading and library size (names, links, limits)
reject-duplicate_name = לקובץ אחר בארכיון יש אותו שם (אולי באותיות גדולות/קטנות אחרות)
reject-duplicate_entry = metadata.json מפנה אותו לפריט שקובץ אחר כבר משתמש בו
reject-symlink = קישור סימבולי (דילגתי)
reject-special_file = התקן, צינור או שקע (דילגתי)
file-error-name_twin = כבר יש בספרייה שלכם קובץ עם אותו שם באותיות גדולות/קטנות אחרות (או בצורת Unicode אחרת). השתמשו בדיוק בשם שלו כדי לשמור גרסה חדשה שלו, או בחרו שם אחר.
file-error-library_full = הספרייה שלכם מלאה: יש בה כמה גרסאות קבצים (או נתונים) שהשרת הזה מרשה, כדי שכל גיבוי שלה יוכל להשתחזר. מחקו קבצים שאינכם צריכים ונסו שוב.

## Google Drive
drive-title = ☁️ <b>Google Drive</b>
drive-not-configured = ☁️ Google Drive לא הוגדר בשרת הזה, ולכן הגיבויים נשמרים כאן ובצ'אט הזה. בעל השרת יכול להפעיל אותו (ראו README).
drive-no-key = ☁️ אי אפשר לחבר את Google Drive עד שבעל השרת יגדיר מפתח הצפנה לחיבור (TOKEN_ENCRYPTION_KEY). בינתיים הגיבויים שלכם בטוחים בשרת.
drive-not-connected = לא מחובר. חברו את Google Drive כדי לשמור עותק של הגיבויים מחוץ לשרת הזה. codevault רואה שם רק את הקבצים שהוא יוצר.
drive-disconnected-revoked = 🔌 Google כבר לא מקבל את הגישה של codevault (היא בוטלה או פגה), ולכן ניתקתי. התחברו שוב כדי להמשיך להעלות.
drive-disconnected-key = 🔌 מפתח ההצפנה של השרת השתנה, ולכן אי אפשר עוד להשתמש בחיבור ל-Drive. התחברו שוב כדי להמשיך להעלות.
drive-connected-as = מחובר בתור <b>{ $email }</b>.
drive-last-upload-ok = העלאה אחרונה: { $date } ✅
drive-last-upload-failed = העלאה אחרונה: { $date } ❌ { $reason }
drive-last-upload-none = עוד לא הועלה דבר.
drive-copies =
    { $count ->
        [one] עותקים ב-Drive: 1
       *[other] עותקים ב-Drive: { $count }
    } (נשמרים { $keep } החדשים, ו-🏆 תמיד).
drive-copies-all =
    { $count ->
        [one] עותקים ב-Drive: 1 (כולם נשמרים).
       *[other] עותקים ב-Drive: { $count } (כולם נשמרים).
    }
btn-drive-connect = 🔗 התחברות
btn-drive-upload = ⬆️ העלאה עכשיו
btn-drive-keep = 🧹 להשאיר { $keep } ב-Drive
btn-drive-disconnect = 🚪 ניתוק
btn-drive-menu = ☁️ Google Drive
btn-drive-retry = 🔁 לנסות שוב
btn-drive-open-google = 🌐 לפתוח את { $url }
btn-backup-drive = ☁️ העלאה ל-Drive
drive-connect-prompt =
    🔗 <b>חיבור Google Drive</b>

    1. פתחו את { $url } בכל מכשיר (הכפתור למטה).
    2. הקלידו את הקוד: <code>{ $code }</code>
    3. בחרו את חשבון Google ואשרו גישה.

    אני ממתין לתשובה מ-Google במשך { $minutes } דקות. ‎/cancel עוצר.
drive-connect-ok = ✅ מחובר בתור <b>{ $email }</b>. עכשיו הגיבויים יכולים לעלות ל-Drive.
drive-connect-denied = ❌ הגישה נדחתה בדף של Google, ולכן לא חובר דבר. לחצו 🔗 התחברות כדי לנסות שוב.
drive-connect-expired = ⌛ תוקף הקוד פג לפני שהשתמשו בו. לחצו 🔗 התחברות לקוד חדש.
drive-connect-cancelled = החיבור ל-Google Drive בוטל. לא חובר דבר.
drive-connect-failed = ⚠️ לא הצלחתי להשלים את החיבור ל-Google Drive ({ $reason }). לא נשמר דבר; נסו שוב.
drive-already-connected = Drive כבר מחובר בתור { $email }. נתקו קודם כדי להשתמש בחשבון אחר.
drive-busy = העלאה ל-Drive כבר רצה עבורכם. אודיע כשתסתיים.
drive-preparing = ⬆️ מכין גיבוי ל-Google Drive…
drive-uploading = ⬆️ מעלה את הגיבוי מ-{ $date } ({ $size }) ל-Google Drive… { $percent }%
drive-upload-ok = ✅ ב-Google Drive, נבדק מול סיכום הביקורת של Drive: <a href="{ $link }">{ $name }</a> ({ $size }).
drive-upload-ok-nolink = ✅ ב-Google Drive, נבדק מול סיכום הביקורת של Drive: { $name } ({ $size }).
drive-upload-was-there = הוא כבר היה ב-Drive; בדקתי אותו שוב במקום להעלות עותק שני.
drive-upload-reused = הספרייה שלכם לא השתנתה מאז הגיבוי מ-{ $date }, ולכן העליתי אותו.
drive-pruned =
    { $count ->
        [one] 🧹 עותק ישן אחד נמחק מ-Drive.
       *[other] 🧹 נמחקו מ-Drive עותקים ישנים: { $count }.
    }
drive-upload-failed = ⚠️ ההעלאה ל-Google Drive נכשלה: { $reason }
drive-backup-safe = הגיבוי שלכם בטוח בשרת.
drive-retry-hint = זו כנראה תקלה זמנית: לחצו 🔁 לנסות שוב בעוד רגע.
drive-reason-network = לא הצלחתי להגיע ל-Google.
drive-reason-timeout = Google לא ענה בזמן.
drive-reason-rate_limited = Google ביקש להאט.
drive-reason-server = ל-Google הייתה תקלה זמנית.
drive-reason-md5_mismatch = העותק ב-Drive לא תאם את הגיבוי, ולכן מחקתי אותו.
drive-reason-unauthorized = Google דחה את ההתחברות לרגע.
drive-reason-revoked = Google כבר לא מקבל את הגישה של codevault. התחברו שוב.
drive-reason-quota = ה-Google Drive שלכם מלא. פנו שם מקום (או השאירו פחות עותקים) ונסו שוב.
drive-reason-folder_not_writable = codevault לא יכול לכתוב לתיקייה "codevault backups" ב-Drive שלכם.
drive-reason-not_connected = Google Drive לא מחובר.
drive-reason-not_configured = Google Drive לא הוגדר בשרת הזה.
drive-reason-no_key = אי אפשר להשתמש ב-Google Drive עד שבעל השרת יגדיר מפתח הצפנה.
drive-reason-key_unknown = אי אפשר עוד להשתמש בחיבור ל-Drive. התחברו שוב.
drive-reason-backup_missing = הגיבוי הזה כבר לא קיים.
drive-reason-unexpected = קרה משהו לא צפוי.
drive-reason-backup_failed = לא הצלחתי ליצור את הגיבוי.
drive-keep-done =
    { $count ->
        [0] 🧹 אין מה לסדר: ב-Drive אין יותר מ-{ $keep } העותקים החדשים.
        [one] 🧹 עותק ישן אחד נמחק מ-Drive; { $keep } החדשים נשארים.
       *[other] 🧹 נמחקו מ-Drive עותקים ישנים: { $count }; { $keep } החדשים נשארים.
    }
drive-disconnect-confirm = לנתק את Google Drive? הגישה של codevault תבוטל אצל Google ותימחק כאן. גיבויים שכבר ב-Drive נשארים שם; גיבויים בשרת הזה לא מושפעים.
drive-disconnect-done = 🚪 נותק. הגישה של codevault בוטלה אצל Google ונמחקה כאן.
drive-disconnect-local = 🚪 נותק כאן. לא הצלחתי להגיע ל-Google כדי לבטל את הגישה, לכן הסירו את codevault ב-myaccount.google.com/permissions.
drive-disconnect-none = Drive לא מחובר.
backup-on-drive = ☁️ ב-Google Drive (נבדק) מאז { $date }
## Many users at once: heavy jobs one at a time per user, a few at once for everyone
heavy-busy = ⏳ דבר אחד בכל פעם — עדיין פועל אצלך: { $job }. אפשר לנסות שוב כשזה יסתיים.
heavy-job-backup = גיבוי
heavy-job-verify = בדיקת גיבוי
heavy-job-restore = שחזור
heavy-job-import = ייבוא
heavy-job-upload = העלאה ל-Drive
heavy-queued = ⏳ אתה מספר { $position } בתור — גיבויים של אחרים רצים כרגע. אתחיל את שלך ברגע שיגיע תורך.
heavy-your-turn = ▶️ הגיע תורך: מתחיל עכשיו.
flood-slow-down = 🐢 לאט לאט — שלחת יותר מדי הודעות בבת אחת, אז דילגתי על חלק מהן. המתן דקה ואז המשך.
## limits
limit-backups-full = 🗄 הגעת למגבלת הגיבויים של השרת: שמורים אצלך { $count ->
    [one] גיבוי אחד
   *[other] { $count } גיבויים
  } ({ $size }), וכל אחד יכול לשמור עד { $max } ({ $maxSize }). לא נשמר דבר חדש. מחק גיבויים שאינך צריך ב־/backup ← 🗂 הגיבויים שלי, או הסר 🏆 מגיבויים ישנים כדי שיוחלפו אוטומטית.
limit-imports-per-hour = ⏳ ייבאת { $max } ארכיונים בשעה האחרונה, המקסימום שהשרת מקבל מאדם אחד. לא הורד ולא נשמר דבר. אפשר לנסות שוב בעוד { $minutes } דק׳.
## privbot
menu-privacy = 🔒 פרטיות
privacy-title = 🔒 <b>עותקים פרטיים</b>
privacy-explain =
    אפשר להצפין עם age את העותקים ב-Google Drive (ואם תרצה, גם גיבויים שנשלחים לכאן), כך שרק אתה תוכל לפתוח אותם — לא Google, לא Telegram ולא מי שמפעיל את השרת הזה. גיבויים שנשמרים בשרת הזה נשארים קריאים, כדי שבדיקות ושחזורים ימשיכו לעבוד.

    🔑 <b>המפתח שלי (מומלץ)</b>: אני יוצר לך מפתח ושולח את הסוד שלו פעם אחת. רק החצי הציבורי נשמר כאן, כך שהשרת יכול ליצור עותקים מוצפנים אבל לעולם לא לפתוח אותם. אם תאבד את קובץ המפתח, אף אחד לא יוכל לפתוח את העותקים האלה.
    🔤 <b>סיסמה</b>: העותקים נפתחים בסיסמה שתבחר. עותקים מתוזמנים צריכים אותה, ולכן היא נשמרת כאן מוצפנת במפתח של השרת: מי שמפעיל את השרת יכול לפתוח את העותקים שלך במצב הזה.
    🚫 <b>כבוי</b>: העותקים הם קובצי ZIP רגילים.
privacy-status-off = כרגע: 🚫 כבוי — עותקים חדשים הם קובצי ZIP רגילים.
privacy-status-generated = כרגע: 🔑 המפתח שלי (נוצר כאן), מפתח ציבורי <code>{ $recipient }</code>.
privacy-status-pasted = כרגע: 🔑 המפתח הציבורי שלך <code>{ $recipient }</code>.
privacy-status-passphrase = כרגע: 🔤 סיסמה (שמורה מוצפנת בשרת הזה; השרת יכול לפתוח את העותקים האלה).
privacy-status-pending = ⏳ מפתח שיצרתי בשבילך ממתין שתאשר ששמרת אותו.
privacy-status-chat-on = 💬 גם גיבויים שנשלחים לצ'אט הזה מוצפנים.
privacy-status-chat-off = 💬 גיבויים שנשלחים לצ'אט הזה הם קובצי ZIP רגילים.
btn-privacy-generate = 🔑 צור לי מפתח (מומלץ)
btn-privacy-paste = 📋 השתמש במפתח ציבורי age1… משלי
btn-privacy-passphrase = 🔤 השתמש בסיסמה
btn-privacy-off = 🚫 כבה
btn-privacy-chat-on = 💬 הצפן גם גיבויים שנשלחים לכאן
btn-privacy-chat-off = 💬 הפסק להצפין גיבויים שנשלחים לכאן
btn-privacy-saved = ✅ שמרתי אותו
btn-privacy-menu = 🔒 פרטיות
privacy-key-caption =
    🔑 <b>המפתח הסודי שלך.</b> שמור את הקובץ הזה עכשיו במקום בטוח ופרטי: מנהל סיסמאות, או הדפסה על נייר. כל מי שמחזיק בו יכול לפתוח את העותקים שלך; בלעדיו אף אחד לא יכול, גם לא אני.

    אני שומר רק את החצי הציבורי. לחץ "שמרתי אותו" ואמחק את ההודעה הזו ואתחיל להצפין עותקים חדשים למפתח הזה.
    כדי לפתוח עותק בלעדיי: <code>age -d -i { $file } codevault-backup-….zip.age &gt; backup.zip</code>
privacy-key-confirmed = 🔒 בוצע. עותקים חדשים מוצפנים למפתח שלך; מחקתי את ההודעה עם הסוד. עותקים שנוצרו קודם נשארים כפי שהיו.
privacy-key-stale = המפתח הזה כבר לא זה שממתין; מחקתי את ההודעה שלו. צור מפתח חדש מתפריט 🔒 פרטיות.
privacy-paste-ask = 📋 שלח לי את המפתח הציבורי שלך ב-age (הוא מתחיל ב-<code>age1</code>; <code>age-keygen -y key.txt</code> מדפיס אותו). לעולם אל תשלח את המפתח הסודי. /cancel כדי לעצור.
privacy-recipient-set = 🔒 בוצע. עותקים חדשים מוצפנים ל-<code>{ $recipient }</code>; רק המפתח הסודי שלו פותח אותם.
privacy-passphrase-ask = 🔤 הקלד את הסיסמה שלך (לפחות { $min } תווים; כמה מילים אקראיות הן הטובות ביותר). אמחק את ההודעה שלך מיד.
    ⚠️ במצב הזה הסיסמה נשמרת בשרת הזה (מוצפנת במפתח של השרת) כדי שעותקים מתוזמנים יוכלו להשתמש בה: מי שמפעיל את השרת יכול לפתוח את העותקים שלך. /cancel כדי לעצור.
privacy-passphrase-set = 🔒 בוצע, ומחקתי את ההודעה שלך. עותקים חדשים מוצפנים בסיסמה שלך. זכור: השרת הזה שומר אותה (מוצפנת) ולכן יכול לפתוח את העותקים האלה.
privacy-passphrase-unavailable = מצב סיסמה דורש מפתח הצפנה בשרת, ובעל השרת לא הגדיר אותו. השתמש ב"המפתח שלי" במקום.
privacy-off-done = 🚫 העותקים הפרטיים כבויים: עותקים חדשים הם קובצי ZIP רגילים.
privacy-new-copies-only = זה משפיע על עותקים חדשים בלבד: עותקים שנוצרו קודם שומרים על ההצפנה שלהם ועדיין נפתחים במפתח או בסיסמה שאיתם נוצרו.
privacy-chat-on-done = 💬 גם גיבויים שנשלחים לצ'אט הזה יוצפנו.
privacy-chat-off-done = 💬 גיבויים שנשלחים לצ'אט הזה יהיו קובצי ZIP רגילים.
privacy-chat-needs-mode = בחר קודם מפתח או סיסמה; אחר כך אפשר להצפין גיבויים שנשלחים לכאן.
privacy-message-deleted = (מחקתי את ההודעה שלך.)
privacy-error-not_age = זה לא קובץ מוצפן ב-age.
privacy-error-unsupported = קובץ ה-age הזה משתמש ביכולת שאני לא יודע לפתוח (גרסה אחרת, ASCII armor או מקדם עבודה גבוה מדי של scrypt). פתח אותו עם הכלי age.
privacy-error-wrong_key = זה לא פותח את הקובץ הזה. שום דבר לא השתנה.
privacy-error-truncated = הקובץ הזה קטוע, או פגום ממש בסופו (החלק האחרון שלו לא עובר בדיקה). שום דבר לא השתנה.
privacy-error-tampered = הקובץ הזה שונה או נפגם מאז שנוצר, ולכן לא אסמוך עליו. שום דבר לא השתנה.
privacy-error-invalid_identity = זה לא מפתח סודי של age (שורה שמתחילה ב-<code>AGE-SECRET-KEY-1</code>).
privacy-error-invalid_recipient = זה לא מפתח ציבורי של age (הוא מתחיל ב-<code>age1</code>). לעולם אל תשלח את המפתח הסודי.
privacy-error-weak_passphrase = סיסמה צריכה { $min } עד { $max } תווים. שום דבר לא השתנה.
privacy-error-no_server_key = עותקים עם סיסמה דורשים מפתח הצפנה בשרת, ובעל השרת לא הגדיר אותו.
privacy-error-no_pending_key = המפתח הזה כבר לא זה שממתין. צור מפתח חדש מתפריט 🔒 פרטיות.
age-restore-needs-identity = 🔒 <b>{ $name }</b> מוצפן למפתח. שלח לי את קובץ המפתח (codevault-key-….txt) או הדבק את השורה <code>AGE-SECRET-KEY-1…</code> שלו. אמחק את ההודעה שלך מיד, אשתמש במפתח רק כדי לפתוח את הקובץ הזה, ולעולם לא אשמור אותו. /cancel כדי לעצור.
age-restore-needs-passphrase = 🔒 <b>{ $name }</b> מוצפן בסיסמה. הקלד אותה: אמחק את ההודעה שלך מיד, אשתמש בה רק כדי לפתוח את הקובץ הזה, ולעולם לא אשמור אותה. /cancel כדי לעצור.
age-restore-opening = 🔓 פותח את הגיבוי המוצפן…
age-restore-not-a-key = הקובץ הזה צריך מפתח סודי (<code>AGE-SECRET-KEY-1…</code>), לא סיסמה. נסה שוב, או /cancel.
age-restore-try-again = נסה שוב, או /cancel.
age-restore-key-file-too-large = הקובץ הזה גדול מכדי להיות קובץ מפתח. שלח את קובץ המפתח (codevault-key-….txt) או הדבק את השורה שלו.
backup-caption-encrypted = 🔒 עותק מוצפן עם { $count } קבצים, { $date }. פתח אותו במפתח או בסיסמה שלך (<code>age -d</code>), או שלח אותו אליי בחזרה כדי לשחזר.
drive-copies-encrypted = 🔒 { $count } מהם מוצפנים (רק המפתח או הסיסמה שלך פותחים אותם).
drive-privacy-on = 🔒 עותקים חדשים מוצפנים (תפריט 🔒 פרטיות).
drive-upload-encrypted = 🔒 מוצפן: רק המפתח או הסיסמה שלך פותחים אותו.
backup-on-drive-encrypted = ☁️🔒 ב-Google Drive, מוצפן (נבדק) מאז { $date }
privacy-delete-yourself = ⚠️ לא הצלחתי למחוק את ההודעה שלך: מחק אותה בעצמך, יש בה סוד.
age-restore-opened = 🔓 פתחתי את <b>{ $name }</b>; המפתח כבר נשכח. עכשיו אבדוק את הגיבוי שבפנים ואראה מה שחזור ישנה — שום דבר לא משתנה עד שתבחר.
btn-age-restore-continue = ▶️ הראה מה זה משחזר
age-restore-send-again = שלח את הקובץ שוב כדי לנסות מפתח או סיסמה אחרים.
## sched
btn-schedule = 🗓 תזמון
btn-schedule-daily = 🗓 יומי
btn-schedule-weekly = 🗓 שבועי
btn-schedule-monthly = 🗓 חודשי (ב-1)
btn-schedule-off = ⛔ כבוי
btn-schedule-hour = 🕒 שעה: { $time }
btn-schedule-zone = 🌍 אזור זמן: { $zone }
btn-schedule-quiet-on = ✅ שורה אחרי כל הרצה: פועל
btn-schedule-quiet-off = ✅ שורה אחרי כל הרצה: כבוי
btn-schedule-try-now = 🔁 נסו עכשיו
btn-drive-reconnect = 🔗 התחברות מחדש
btn-back = ⬅️ חזרה
weekday-0 = ראשון
weekday-1 = שני
weekday-2 = שלישי
weekday-3 = רביעי
weekday-4 = חמישי
weekday-5 = שישי
weekday-6 = שבת
schedule-when-daily = כל יום בשעה { $time }
schedule-when-weekly = כל יום { $day } בשעה { $time }
schedule-when-monthly = ב-1 בכל חודש בשעה { $time }
schedule-title = 🗓 <b>גיבויים מתוזמנים ל-Google Drive</b>
schedule-explain = כל הרצה יוצרת גיבוי (או רואה ששום דבר לא השתנה) ומעלה אותו ל-Drive שלכם. אם ל-Google יש תקלה חולפת, אנסה שוב בעצמי; אם משהו דורש אתכם, אודיע לכם.
schedule-status-none = 🗓 תזמון: כבוי. השעות לפי { $zone }.
schedule-status = 🗓 תזמון: { $when } ({ $zone })
schedule-status-paused = ⏸ מושהה עד שתתחברו מחדש ל-Google Drive (התזמון נשמר).
schedule-status-next = ההרצה הבאה: { $date }
schedule-status-last = ההרצה האחרונה: { $date } — { $result }
schedule-status-last-none = ההרצה האחרונה: עוד לא הייתה.
schedule-result-uploaded = ✅ הועלה
schedule-result-unchanged = ✅ שום דבר לא השתנה, לא הועלה דבר
schedule-result-retrying = 🔁 { $reason } מנסה שוב.
schedule-result-failed = ❌ { $reason }
schedule-result-needs_user = ⚠️ { $reason }
schedule-pick-day = 🗓 באיזה יום בשבוע?
schedule-pick-hour = 🕒 באיזו שעה ({ $zone })?
schedule-saved = ✅ נשמר: { $when } ({ $zone }).
schedule-turned-off = ⛔ הגיבויים המתוזמנים כבויים. גיבויים שכבר בשרת וב-Drive שלכם לא נפגעים.
schedule-need-drive = קודם חברו את Google Drive: תזמון מעלה לשם את הגיבויים שלכם.
schedule-quiet-now-on = מעכשיו כל הרצה מוצלחת שולחת שורת ✅ קצרה.
schedule-quiet-now-off = מעכשיו הרצות מוצלחות שקטות; על כל בעיה עדיין תשמעו.
schedule-zone-ask = 🌍 כתבו את אזור הזמן שלכם בשם כמו Asia/Jerusalem, ‏Europe/London או America/New_York. כרגע: { $zone }. ‏/cancel משאיר אותו.
schedule-zone-invalid = ‏„{ $zone }” אינו אזור זמן שאני מכיר. כתבו שם כמו Asia/Jerusalem או Europe/London, או /cancel.
schedule-zone-saved = 🌍 אזור הזמן נשמר: { $zone }.
schedule-none = אין תזמון לשנות. בחרו אחד תחת ☁️ Google Drive ← 🗓 תזמון.
schedule-resumed = ▶️ תזמון הגיבויים שלכם פועל שוב.
schedule-try-now-started = 🔁 מעלה את הגיבוי הזה ל-Google Drive שוב עכשיו. אודיע לכם איך זה הלך.
drive-retry-scheduled = 🔁 אנסה שוב בעצמי בסביבות { $date } ואודיע לכם איך זה הלך.
notice-uploaded = ✅ הגיבוי המתוזמן ב-Google Drive ({ $size }), נבדק מול ה-checksum של Drive.
notice-uploaded-link = ✅ הגיבוי המתוזמן ב-Google Drive: <a href="{ $link }">לפתיחה</a> ({ $size }), נבדק מול ה-checksum של Drive.
notice-retry-uploaded = ✅ ההעלאה שנכשלה קודם הצליחה: הגיבוי שלכם ב-Google Drive ({ $size }), נבדק מול ה-checksum של Drive.
notice-was-there = הוא כבר היה ב-Drive שלכם; בדקתי אותו במקום להעלות אותו פעמיים.
notice-unchanged = ✅ גיבוי מתוזמן: הספרייה שלכם לא השתנתה מאז העותק האחרון ב-Google Drive, אז לא הועלה דבר.
notice-failed =
    { $attempts ->
        [one] ⚠️ ההעלאה ל-Google Drive נכשלה: { $reason }
       *[other] ⚠️ ההעלאה ל-Google Drive נכשלה { $attempts } פעמים: { $reason }
    }
notice-try-now = לחצו 🔁 נסו עכשיו כדי להעלות אותו שוב.
notice-needs-reconnect-paused = 🔌 Google כבר לא מקבל את הגישה של codevault (היא בוטלה או פגה). השהיתי את תזמון הגיבויים; הוא נשמר ויפעל שוב אחרי שתלחצו 🔗 התחברות מחדש.
notice-needs-reconnect = 🔌 Google כבר לא מקבל את הגישה של codevault (היא בוטלה או פגה). לחצו 🔗 התחברות מחדש כדי להמשיך להעלות.
notice-drive-full = ⚠️ ה-Google Drive שלכם מלא: { $used } מתוך { $limit } בשימוש, והגיבוי הזה צריך { $size }. פנו שם מקום (או שמרו פחות עותקים); לא אנסה שוב עד אז.
notice-drive-full-nosizes = ⚠️ ה-Google Drive שלכם מלא. פנו שם מקום (או שמרו פחות עותקים); לא אנסה שוב עד אז.
notice-needs-attention = ⚠️ לא ניתן היה להעלות ל-Google Drive: { $reason }
notice-overdue = ⏰ שום גיבוי לא הגיע ל-Google Drive שלכם מאז { $date }, אף שהתזמון שלכם רץ { $when }. פתחו את ☁️ Google Drive כדי לראות למה.
notice-overdue-never = ⏰ שום גיבוי לא הגיע ל-Google Drive שלכם מאז שהתזמון נקבע ב-{ $date }, אף שהוא רץ { $when }. פתחו את ☁️ Google Drive כדי לראות למה.
notice-self-check = 🔎 הבדיקה השבועית של הגיבויים שלכם מצאה בעיה:
notice-self-check-backup_corrupt = • הגיבוי החדש ביותר שלכם ({ $date }) כבר לא תואם את ה-checksums שלו. צרו גיבוי חדש בקרוב.
notice-self-check-drive_copy_mismatch = • העותק ב-Google Drive של הגיבוי מ-{ $date } שונה ממנו. הוא כבר לא נחשב בדוק; ההרצה הבאה תעלה אותו שוב.
notice-self-check-drive_copy_missing = • העותק ב-Google Drive של הגיבוי מ-{ $date } נעלם. ההרצה הבאה תעלה אותו שוב.
schedule-period-daily = כל יום
schedule-period-weekly = כל שבוע
schedule-period-monthly = כל חודש
