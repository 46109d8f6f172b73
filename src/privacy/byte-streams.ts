/**
 * Web ReadableStreams (what age-encryption reads and writes) from the byte sources
 * the app has: a buffer, a Node Readable, any async iterable of chunks. Pulled on
 * demand, so a large source is never read ahead of its consumer.
 */
export type ByteSource = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

const BUFFER_SLICE = 64 * 1024;

export function toWebStream(source: ByteSource): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  if (source instanceof Uint8Array) {
    let at = 0;
    return new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (at >= source.length) return controller.close();
          controller.enqueue(source.subarray(at, at + BUFFER_SLICE));
          at += BUFFER_SLICE;
        },
      },
      { highWaterMark: 0 },
    );
  }
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel(reason) {
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Reads a whole stream into one buffer. With `size` known up front (a stream's
 * `size()`), the bytes are written into a buffer of that length as they arrive, so
 * they are held once, not as chunks plus their concatenation.
 */
export async function readWhole(stream: ReadableStream<Uint8Array>, size?: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const out = size === undefined ? undefined : Buffer.allocUnsafe(size);
  let at = 0;
  for await (const chunk of stream) {
    if (out) {
      if (at + chunk.length > out.length) throw new Error(`stream holds more than the expected ${size} bytes`);
      out.set(chunk, at);
    } else chunks.push(chunk);
    at += chunk.length;
  }
  if (!out) return Buffer.concat(chunks, at);
  if (at !== out.length) throw new Error(`stream held ${at} of the expected ${size} bytes`);
  return out;
}
