import { badRequest } from "./errors.js";

/** A file part of a multipart/form-data request. */
export interface UploadedFile {
  filename: string;
  contentType?: string;
  bytes: Uint8Array;
}

/**
 * Parameters of one API call, from JSON, a query string, urlencoded or multipart.
 * Telegram accepts every value either typed (JSON) or as a string (form data: grammY
 * sends numbers as "42" and objects as JSON text), so every accessor coerces.
 */
export class Params {
  constructor(
    readonly fields: Record<string, unknown>,
    readonly files: Map<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const v = this.fields[name];
    return v !== undefined && v !== null && v !== "";
  }

  int(name: string, missing?: string): number | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === "") {
      if (missing !== undefined) throw badRequest(missing);
      return undefined;
    }
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    throw badRequest(`invalid ${name} specified`);
  }

  string(name: string, missing?: string): string | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === "") {
      if (missing !== undefined) throw badRequest(missing);
      return undefined;
    }
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    throw badRequest(`field "${name}" must be of type String`);
  }

  bool(name: string): boolean | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "1" || v === 1) return true;
    if (v === "false" || v === "0" || v === 0) return false;
    throw badRequest(`field "${name}" must be of type Boolean`);
  }

  /** An object/array parameter, given as JSON value or JSON-serialized string. */
  json<T = unknown>(name: string, invalid: string): T | undefined {
    const v = this.fields[name];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v === "string") {
      try {
        return JSON.parse(v) as T;
      } catch {
        throw badRequest(invalid);
      }
    }
    return v as T;
  }

  /** Chat id: an integer (or numeric string). `@channelusername` is not a private chat. */
  chatId(): number {
    const v = this.fields["chat_id"];
    if (v === undefined || v === null || v === "") throw badRequest("chat_id is empty");
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    throw badRequest("chat not found");
  }

  /** Plain object view for the call log (file bytes summarized). */
  summary(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.fields };
    for (const [name, f] of this.files) {
      out[`<file:${name}>`] = { filename: f.filename, size: f.bytes.byteLength };
    }
    return out;
  }
}
