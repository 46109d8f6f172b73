/**
 * One page of a user's list (files, backups): the count and the page's rows are asked at once,
 * one round trip instead of two in a row. A page past the end (the list shrank since it was
 * shown) is clamped to the last one, which is then asked for again.
 */
export async function fetchPage<T>(
  requested: number | undefined,
  pageSize: number,
  count: () => Promise<number>,
  rows: (skip: number, limit: number) => Promise<T[]>,
): Promise<{ items: T[]; page: number; pages: number; total: number }> {
  const asked = Math.max(0, requested ?? 0);
  const [total, items] = await Promise.all([count(), rows(asked * pageSize, pageSize)]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(asked, pages - 1);
  return { items: page === asked ? items : await rows(page * pageSize, pageSize), page, pages, total };
}
