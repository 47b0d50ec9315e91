// Human-readable sizes and durations, and the size flag parser shared by
// `npm start` and `npm run bench` (1 MB means 1 MiB here, as in the anchors).
const MiB = 1024 * 1024;

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m)?$/i.exec(text.trim());
  if (!m) throw new Error(`无法识别的大小 "${text}"，请用 1mb、5mb 或字节数 / cannot parse size "${text}": use 1mb, 5mb or a byte count`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale = unit.startsWith('m') ? MiB : unit.startsWith('k') ? 1024 : 1;
  const bytes = Math.round(Number(m[1]) * scale);
  if (bytes < 1024) throw new Error(`图片至少 1 KiB / image must be at least 1 KiB (got ${bytes} bytes)`);
  return bytes;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${Math.round(bytes)} B`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return r > 0 ? '∞' : '—';
  if (r >= 10) return `${r.toFixed(0)}×`;
  if (r >= 0.1) return `${r.toFixed(2)}×`;
  return `${r.toFixed(3)}×`;
}
