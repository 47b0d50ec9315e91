// `npm start -- [flags]`: what the demo broadcasts and how. Defaults finish in
// well under a minute on 2 cores.
import { parseSize } from '../bench/harness/units';

export interface DemoOptions {
  peers: number;
  sizeBytes: number;
  concurrency: number; // client-side cap on requests in flight
  spreadMs: number; // gap between arrivals in the "spread" pattern
  retries: number;
  help: boolean;
}

export const DEMO_DEFAULTS: DemoOptions = {
  peers: 50,
  sizeBytes: 1024 * 1024,
  concurrency: 50,
  spreadMs: 10,
  retries: 5,
  help: false,
};

export const DEMO_USAGE = `用法 / usage: npm start -- [选项 / options]

  --peers N         群数量 / number of groups to broadcast to (默认 / default ${DEMO_DEFAULTS.peers})
  --size S          图片大小 / image size: 1mb | 5mb | <bytes> (默认 / default 1mb)
  --concurrency N   客户端同时在途的请求数 / client requests in flight (默认 / default ${DEMO_DEFAULTS.concurrency})
  --spread-ms N     "分散" 模式下相邻两次发送的间隔 / gap between arrivals in the spread pattern (默认 / default ${DEMO_DEFAULTS.spreadMs})
  --retries N       客户端对失败的重试次数 / client retries per failed send (默认 / default ${DEMO_DEFAULTS.retries})
  --help            显示本帮助 / show this help
`;

function positiveInt(flag: string, text: string | undefined, allowZero = false): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${flag} 需要${allowZero ? '非负' : '正'}整数 / ${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer (got ${text ?? 'nothing'})`);
  }
  return value;
}

export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const options = { ...DEMO_DEFAULTS };
  let concurrencySet = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--peers':
        options.peers = positiveInt(flag, value());
        break;
      case '--size':
        options.sizeBytes = parseSize(value() ?? '');
        break;
      case '--concurrency':
        options.concurrency = positiveInt(flag, value());
        concurrencySet = true;
        break;
      case '--spread-ms':
        options.spreadMs = positiveInt(flag, value(), true);
        break;
      case '--retries':
        options.retries = positiveInt(flag, value(), true);
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`未知选项 ${argv[i]} / unknown option ${argv[i]}\n\n${DEMO_USAGE}`);
    }
  }
  // A broadcast client sends to every group at once unless told otherwise.
  if (!concurrencySet) options.concurrency = options.peers;
  return options;
}
