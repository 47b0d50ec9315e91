// Which code a CPU sample belongs to (CpuProfile.stop's classifier for a NapCat host process).
// The model kernel's simulated upload and the OneBot front (WebSocket + JSON parse) are not
// NapCat's send pipeline. The bench's own code (its IPC handler, the profiler's stop) is
// nobody's: a plugin that wraps process.emit (proper-lockfile's signal-exit does) sits under
// that handler, and without this the harness's time would be counted as the plugin's.
import { PLUGIN_ID } from './install';

const BENCH_URL = new URL('../', import.meta.url).href;

export function codeOwner(url: string): string | undefined {
  if (url.includes(`/plugins/${PLUGIN_ID}/`)) return 'plugin';
  if (url.startsWith(BENCH_URL)) return 'bench';
  if (url.includes('/test/host/ntqq/')) return 'kernel';
  if (url.includes('/test/host/front/') || url.includes('/node_modules/ws/')) return 'front';
  if (url.includes('/test/host/')) return 'napcat';
  return undefined;
}
