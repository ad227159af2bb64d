// D1 and Durable Object SQLite bind at most 100 parameters per statement
// (ARCHITECTURE.md, Bound parameters); bulk work is split into chunks.

export const MAX_BOUND_PARAMETERS = 100;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError("chunk size must be positive");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
