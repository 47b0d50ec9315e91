// Shared bits of the model's own specs.
import { createHost, makePng, type HostOptions } from '..';
import type { Host } from '..';

const images = new Map<string, string>();

/** `base64://…` of a valid 1 MB PNG (cached per seed/size: building one costs real CPU). */
export function pngUri(seed = 7, bytes = 1_000_000): string {
  const key = `${seed}:${bytes}`;
  let uri = images.get(key);
  if (!uri) images.set(key, (uri = `base64://${makePng({ bytes, seed }).toString('base64')}`));
  return uri;
}

export function imageMessage(file: string): Array<{ type: string; data: Record<string, unknown> }> {
  return [{ type: 'image', data: { file } }];
}

/** Runs `fn` with a fresh host and always closes it. */
export async function withHost<T>(options: HostOptions, fn: (host: Host) => Promise<T>): Promise<T> {
  const host = await createHost(options);
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

export const RICH_MEDIA = 'rich media transfer failed';
