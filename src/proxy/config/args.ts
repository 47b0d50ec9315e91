// The command line of `npm run proxy` / `node proxy.mjs`: each flag is one key of the
// config file, so the command line is simply the top layer (defaults < file < flags).
export const PROXY_USAGE = `用法 / usage: node proxy.mjs --upstream <url> [选项 / options]
       node proxy.mjs --reverse <bot-url> [选项 / options]

  --upstream URL         NapCat 的 OneBot 服务端：ws://… 正向 WebSocket，http://… HTTP
                         NapCat's OneBot server: ws://… forward WebSocket, http://… HTTP
  --reverse URL          反向模式：机器人的反向 WebSocket 地址（NapCat 连本代理）
                         reverse mode: the bot's reverse WebSocket URL (NapCat connects to the proxy)
  --listen HOST:PORT     本代理监听地址 / where the proxy listens (默认 / default 127.0.0.1:3011)
  --token T              机器人须出示的令牌（反向模式下本代理向机器人出示）
                         token bots must present (in reverse mode, presented to the bot)
  --upstream-token T     向 NapCat 出示的令牌（默认同 --token）/ token presented to NapCat (default: --token)
  --cache-dir DIR        共享缓存目录 / store folder (默认 / default ./media-cache)
  --napcat-path-map H=N  本机路径 H 在 NapCat 中为 N（可重复，如 Docker 共享卷）
                         host path H is N inside NapCat (repeatable, e.g. a shared Docker volume)
  --rewrite auto|off     改写为 file:// 路径（默认 auto）/ rewrite media to file:// paths (default auto)
  --config FILE          JSON 配置文件，键同上（camelCase）及插件的缓存/重试设置
                         JSON config file: the keys above (camelCase) and the plugin's store/retry settings
  --help                 显示本帮助 / show this help
`;

const FLAGS: Record<string, string> = {
  '--upstream': 'upstream',
  '--reverse': 'reverse',
  '--listen': 'listen',
  '--token': 'token',
  '--upstream-token': 'upstreamToken',
  '--cache-dir': 'cacheDir',
  '--rewrite': 'rewrite',
};

export interface ProxyArgs {
  /** The command line as a config layer. */
  layer: Record<string, unknown>;
  configFile?: string;
  help: boolean;
}

export function parseProxyArgs(argv: readonly string[]): ProxyArgs {
  const layer: Record<string, unknown> = {};
  const maps: string[] = [];
  let configFile: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf('=');
    const flag = argv[i].startsWith('--') && eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const inline = flag === argv[i] ? undefined : argv[i].slice(eq + 1);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} 需要一个值 / ${flag} needs a value\n\n${PROXY_USAGE}`);
      return v;
    };
    if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--config') configFile = value();
    else if (flag === '--napcat-path-map') maps.push(value());
    else if (FLAGS[flag]) layer[FLAGS[flag]] = value();
    else throw new Error(`未知选项 ${argv[i]} / unknown option ${argv[i]}\n\n${PROXY_USAGE}`);
  }
  if (maps.length > 0) layer.napcatPathMap = maps;
  return { layer, configFile, help };
}
