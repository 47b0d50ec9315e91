// The side-by-side table `npm start` prints: one column per phase.
import { renderTable } from '../bench/harness/table';
import { formatBytes, formatMs } from '../bench/harness/units';
import type { PhaseResult } from './phase';

export function renderDemoTable(phases: readonly PhaseResult[], retries: number): string {
  const row = (label: string, cell: (p: PhaseResult) => string) => [label, ...phases.map(cell)];
  return renderTable(
    ['指标 / metric', ...phases.map((p) => p.label)],
    [
      row('送达 / delivered', (p) => `${p.delivered}/${p.delivered + p.failed}`),
      row(`重试 ${retries} 次后仍失败 / failed after ${retries} retries`, (p) => String(p.failed)),
      row('首次发送失败 / failed on first try', (p) => String(p.firstTryFailures)),
      row('请求总数 / requests incl. retries', (p) => String(p.attempts)),
      row('全部送达用时 / time to deliver all', (p) => formatMs(p.wallMs)),
      row('延迟 p50 / latency p50', (p) => formatMs(p.p50Ms)),
      row('延迟 p95 / latency p95', (p) => formatMs(p.p95Ms)),
      row('写入的临时文件 / temp files written', (p) => String(p.tempFilesWritten)),
      row('NTQQ 路径复制 / NTQQ-path copies', (p) => String(p.nativeCopies)),
      row('传输字节的上传 / uploads moving bytes', (p) => String(p.uploadsTransferred)),
      row('传给服务器的字节 / bytes to the server', (p) => formatBytes(p.bytesTransferred)),
      row('峰值 RSS（阶段前先 GC）/ peak RSS (GC first)', (p) => formatBytes(p.peakRssBytes)),
    ],
  );
}
