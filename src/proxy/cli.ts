// `npm run proxy -- …` and `node proxy.mjs …`: load the config, start, and on Ctrl-C (or
// SIGTERM) let the media sends in flight finish before leaving; a second Ctrl-C leaves at once.
import { describeProblem } from '../config';
import { PROXY_USAGE } from './config/args';
import { loadProxyConfig } from './config/load';
import { consoleLogger } from './console-logger';
import { MediaProxy } from './server';

declare const __PROXY_VERSION__: string | undefined;

const DRAIN_MS = 30_000;

async function main(argv: readonly string[]): Promise<number> {
  let loaded;
  try {
    loaded = await loadProxyConfig(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (loaded.help) {
    process.stdout.write(PROXY_USAGE);
    return 0;
  }
  const logger = consoleLogger(loaded.config.media.debug);
  for (const problem of loaded.problems) (problem.kind === 'unknown' ? logger.warn : logger.error)(`配置 / config: ${describeProblem(problem)}`);
  if (loaded.fatal) {
    process.stderr.write(`\n${PROXY_USAGE}`);
    return 2;
  }
  const { proxy: settings } = loaded.config;
  const version = typeof __PROXY_VERSION__ === 'string' ? __PROXY_VERSION__ : 'dev';
  const proxy = await MediaProxy.start(loaded.config, { logger, version });
  const mode = settings.reverse ? `反向 / reverse → ${settings.reverse}` : `${settings.upstream.startsWith('http') ? 'HTTP' : '正向 / forward WebSocket'} → ${settings.upstream}`;
  logger.info(`媒体缓存代理 ${version} 已启动 / media cache proxy ${version} listening on ${proxy.url} (${mode}); 状态页 / status page: ${proxy.url}/status${settings.token ? '?token=…' : ''}`);
  if (!settings.token && !/^(127\.|\[::1\]|localhost)/.test(settings.listen)) {
    logger.warn('未设置 --token，任何能连到此端口的人都能代发消息 / no --token set: anyone who reaches this port can send as the bot');
  }
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn(`再次收到 ${signal}，立即退出 / ${signal} again: leaving now`);
        resolve(130);
        return;
      }
      stopping = true;
      logger.info(`收到 ${signal}，等待进行中的发送结束（最多 ${DRAIN_MS / 1000} 秒）/ ${signal}: letting sends in flight finish (up to ${DRAIN_MS / 1000} s)`);
      proxy.close(DRAIN_MS).then(
        () => resolve(0),
        (error: unknown) => {
          logger.error(`关闭时出错 / error while closing: ${(error as Error)?.message ?? String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`代理无法启动 / the proxy could not start: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
