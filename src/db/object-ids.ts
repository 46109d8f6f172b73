import { ObjectId } from "mongodb";

/**
 * An id that came from a button, a command or a conversation is untrusted: it is an
 * ObjectId only when it is 24 hex digits, otherwise undefined and it finds nothing.
 */
export function parseObjectId(id: string): ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : undefined;
}
