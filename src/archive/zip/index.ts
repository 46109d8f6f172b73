/**
 * ZIP archive format: a streaming writer and a validating in-memory reader.
 * Knows nothing about where the bytes come from or go to.
 */
export { ZipWriter, type ZipEntryInput, type ZipSummary, type ZipWriterOptions } from "./zip-writer.js";
export { openZip, openZipPaced, type ZipEntry, type ZipLimits } from "./zip-reader.js";
export { isZipError, ZipError, type ZipErrorCode } from "./zip-errors.js";
