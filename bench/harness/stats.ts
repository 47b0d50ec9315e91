// Order statistics for latency lists and repeat medians. Nearest-rank on a
// sorted copy: exact for the small sample counts a bench repeat produces.
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// plugin / baseline; 0/0 is "no change" (1), x/0 is unbounded.
export function ratio(plugin: number, baseline: number): number {
  if (baseline === 0) return plugin === 0 ? 1 : Number.POSITIVE_INFINITY;
  return plugin / baseline;
}
