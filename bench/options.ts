// `npm run bench -- [flags]`, and `npm run bench -- store [...]` for the store
// engineer's micro-bench (its arguments pass through untouched).
export interface BenchOptions {
  quick: boolean;
  repeats: number;
  only: string[]; // scenario ids; empty = the whole matrix
  outDir: string;
  help: boolean;
}

export type BenchCommand = { kind: 'matrix'; options: BenchOptions } | { kind: 'store' | 'proxy'; args: string[] };

export const BENCH_USAGE = `用法 / usage: npm run bench -- [选项 / options]
       npm run bench -- store [store bench 参数 / store bench args]
       npm run bench -- proxy [--only ID,ID] [--repeats N]   （代理 / the sidecar proxy, bench/proxy/）

  --quick           小矩阵、3 次重复（约 6 分钟）/ smaller matrix, 3 repeats (about 6 minutes)
  --repeats N       每个场景每种模式重复次数 / repeats per scenario and mode (默认 / default 5；--quick 为 3)
  --only A,B        只跑这些场景 id / run only these scenario ids
  --out DIR         结果目录 / results folder (默认 / default bench/results)
  --help            显示本帮助 / show this help
`;

export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  if (argv[0] === 'store' || argv[0] === 'proxy') return { kind: argv[0], args: argv.slice(1) };
  const options: BenchOptions = { quick: false, repeats: 0, only: [], outDir: 'bench/results', help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick':
        options.quick = true;
        break;
      case '--repeats': {
        const text = value();
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--repeats 需要正整数 / --repeats needs a positive integer (got ${text ?? 'nothing'})`);
        options.repeats = n;
        break;
      }
      case '--only':
        options.only = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--out':
        options.outDir = value() ?? options.outDir;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`未知选项 ${argv[i]} / unknown option ${argv[i]}\n\n${BENCH_USAGE}`);
    }
  }
  if (options.repeats === 0) options.repeats = options.quick ? 3 : 5;
  return { kind: 'matrix', options };
}
