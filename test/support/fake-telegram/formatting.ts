import { badRequest } from "./errors.js";

/**
 * Applies `parse_mode` the way Telegram does, closely enough for tests: returns the
 * text the user sees (markup removed) and rejects malformed markup with Telegram's
 * "can't parse entities" errors — so an unescaped `<` in a file name, or an unescaped
 * `.` in MarkdownV2, fails here just as it would in production. Entities are not built.
 */
export function renderText(text: string, parseMode: string | undefined): string {
  if (parseMode === undefined || parseMode === "") return text;
  switch (parseMode.toLowerCase()) {
    case "html":
      return renderHtml(text);
    case "markdownv2":
      return renderMarkdownV2(text);
    case "markdown":
      return renderMarkdownLegacy(text);
    default:
      throw badRequest(`unsupported parse_mode`);
  }
}

const enc = new TextEncoder();
const byteOffset = (text: string, index: number): number => enc.encode(text.slice(0, index)).length;
const cantParse = (what: string) => badRequest(`can't parse entities: ${what}`);

const HTML_TAGS = new Set([
  "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
  "a", "code", "pre", "blockquote", "tg-emoji", "tg-time",
]);

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const cp = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function renderHtml(text: string): string {
  const stack: { name: string; at: number }[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt === -1) {
      out += decodeEntities(text.slice(i));
      break;
    }
    out += decodeEntities(text.slice(i, lt));
    const gt = text.indexOf(">", lt);
    const inner = gt === -1 ? text.slice(lt + 1) : text.slice(lt + 1, gt);
    const closing = inner.startsWith("/");
    const tag = closing ? inner.slice(1) : inner;
    const name = /^\s/.test(tag) ? "" : (tag.split(/[\s=/]/)[0]?.toLowerCase() ?? "");
    if (gt === -1 || !HTML_TAGS.has(name)) {
      if (closing) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(text, lt)}`);
      throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(text, lt)}`);
    }
    if (closing) {
      const top = stack.pop();
      if (top === undefined) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(text, lt)}`);
      if (top.name !== name) {
        throw cantParse(`Unmatched end tag at byte offset ${byteOffset(text, lt)}, expected "</${top.name}>", found "</${name}>"`);
      }
    } else {
      stack.push({ name, at: lt });
    }
    i = gt + 1;
  }
  const open = stack.pop();
  if (open !== undefined) {
    throw cantParse(`Can't find end tag corresponding to start tag "${open.name}"`);
  }
  return out;
}

const MDV2_RESERVED = new Set(["_", "*", "[", "]", "(", ")", "~", "`", ">", "#", "+", "-", "=", "|", "{", "}", ".", "!"]);

function renderMarkdownV2(text: string): string {
  let out = "";
  const open = new Map<string, number>(); // marker -> index where it was opened
  let link: number | undefined;
  let i = 0;
  const reserved = (c: string) => cantParse(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
  const toggle = (marker: string, at: number) => {
    if (open.has(marker)) open.delete(marker);
    else open.set(marker, at);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\\") {
      const n = text[i + 1];
      if (n === undefined) throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      out += n;
      i += 2;
      continue;
    }
    if (c === "`") {
      const fence = text.startsWith("```", i) ? "```" : "`";
      let j = i + fence.length;
      let body = "";
      while (j < text.length && !text.startsWith(fence, j)) {
        if (text[j] === "\\" && j + 1 < text.length) {
          body += text[j + 1];
          j += 2;
        } else body += text[j++];
      }
      if (j >= text.length) throw cantParse(`Can't find end of ${fence === "`" ? "Code" : "Pre"} entity at byte offset ${byteOffset(text, i)}`);
      if (fence === "```") body = body.replace(/^[^\n]*\n/, (first) => (/^\w*\n$/.test(first) ? "" : first));
      out += body;
      i = j + fence.length;
      continue;
    }
    if (c === "*" || c === "~") {
      toggle(c, i);
      i++;
      continue;
    }
    if (c === "_") {
      const marker = text.startsWith("__", i) ? "__" : "_";
      toggle(marker, i);
      i += marker.length;
      continue;
    }
    if (c === "|" && text[i + 1] === "|") {
      toggle("||", i);
      i += 2;
      continue;
    }
    if (c === "[" && link === undefined) {
      link = i;
      i++;
      continue;
    }
    if (c === "]" && link !== undefined) {
      if (text[i + 1] !== "(") throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, link)}`);
      let j = i + 2;
      while (j < text.length && text[j] !== ")") j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, link)}`);
      link = undefined;
      i = j + 1;
      continue;
    }
    if (c === ">" && (i === 0 || text[i - 1] === "\n")) {
      i++;
      continue;
    }
    if (MDV2_RESERVED.has(c)) throw reserved(c);
    out += c;
    i++;
  }
  const unclosed = [...open.values(), ...(link !== undefined ? [link] : [])].sort((a, b) => a - b)[0];
  if (unclosed !== undefined) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, unclosed)}`);
  return out;
}

function renderMarkdownLegacy(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "\\" && i + 1 < text.length && "_*`[".includes(text[i + 1] as string)) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "*" || c === "_" || c === "`") {
      const fence = c === "`" && text.startsWith("```", i) ? "```" : c;
      const end = text.indexOf(fence, i + fence.length);
      if (end === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, i)}`);
      out += text.slice(i + fence.length, end);
      i = end + fence.length;
      continue;
    }
    if (c === "[") {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(text.slice(i));
      if (m === null) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(text, i)}`);
      out += m[1];
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
