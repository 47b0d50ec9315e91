// NapCat's URI resolution (napcat-common/src/file.ts, §1.2), a module-level function
// NapCat bundles and a plugin cannot reach. The existence test runs on the whole URI
// first, even for a megabyte of base64 (§9 item 3: a real cost, kept on purpose).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { HostRuntime } from './runtime';

export type UriType = 'local' | 'file' | 'http' | 'base64' | 'data' | 'unknown';

export interface UriResult {
  success: boolean;
  errMsg: string;
  fileName: string;
  path: string;
  /** Absent in the legacy (≤ v4.17.48) shape. */
  isLocal?: boolean;
}

/**
 * `checkUriType` as in v4.18.5: the whole URI as a path first, then prefixes tested with
 * `startsWith` (`http:`/`https:`, `base64:`, `file:`, `data:`), case-sensitive. `base64:` text
 * keeps anything but a leading `base64://`; `data:` gives what lies between the first and the
 * second comma, and an empty one is no URI at all. A throw inside a test (a malformed
 * `%`-escape) counts as "not this type", as NapCat's `solveProblem` wrapper makes it.
 */
export function checkUriType(uri: string): { type: UriType; payload: string } {
  if (fs.existsSync(path.normalize(uri))) return { type: 'local', payload: path.normalize(uri) };
  if (uri.startsWith('http:') || uri.startsWith('https:')) return { type: 'http', payload: uri };
  if (uri.startsWith('base64:')) return { type: 'base64', payload: uri.replace(/^base64:\/\//, '') };
  if (uri.startsWith('file:')) {
    const rest = uri.startsWith('file:///') && process.platform === 'win32' ? uri.slice(8) : uri.slice(7);
    try {
      return { type: 'file', payload: decodeURIComponent(rest) };
    } catch {
      return { type: 'unknown', payload: uri };
    }
  }
  if (uri.startsWith('data:')) {
    const data = uri.split(',')[1];
    if (data) return { type: 'data', payload: data };
  }
  return { type: 'unknown', payload: uri };
}

function viaProxy(url: string, proxy: string): Promise<Buffer> {
  const target = new URL(proxy);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: target.hostname, port: target.port, path: url, headers: { host: new URL(url).host } }, (res) => {
      if ((res.statusCode ?? 0) >= 400) {
        res.resume();
        reject(new Error(`proxy HTTP ${res.statusCode}`));
        return;
      }
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** fetch, or an HTTP proxy when configured, falling back to a direct fetch if the proxy fails. */
export async function httpDownload(url: string, proxy?: string): Promise<Buffer> {
  if (proxy && url.startsWith('http://')) {
    try {
      return await viaProxy(url, proxy);
    } catch {
      // NapCat falls back to a direct fetch when the proxy fails.
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`下载失败 / download failed: HTTP ${res.status} ${url}`);
  return Buffer.from(await res.arrayBuffer());
}

function writeTemp(rt: HostRuntime, target: string, buf: Buffer): void {
  fs.writeFileSync(target, buf);
  rt.counters.tempFilesWritten++;
  rt.counters.tempBytesWritten += buf.length;
}

/** `uriToLocalFile(dir, uri, filename = randomUUID(), headers?, proxy?)`; never throws for an unknown scheme. */
export async function uriToLocalFile(
  rt: HostRuntime,
  dir: string,
  uri: string,
  filename: string = crypto.randomUUID(),
  proxy?: string,
): Promise<UriResult> {
  const { type, payload } = checkUriType(uri);
  const target = path.join(dir, filename);
  const legacy = rt.shape === 'legacy';
  switch (type) {
    case 'local':
    case 'file': {
      const fileName = path.basename(payload);
      if (!legacy) return { success: true, errMsg: '', fileName, path: payload, isLocal: true };
      // ≤ v4.17.48: a local file is copied into the temp folder as <uuid><ext>.
      const copy = target + path.extname(payload);
      fs.copyFileSync(payload, copy);
      rt.counters.tempFilesWritten++;
      rt.counters.tempBytesWritten += fs.statSync(copy).size;
      return { success: true, errMsg: '', fileName, path: copy };
    }
    case 'http': {
      const buf = await httpDownload(payload, proxy);
      rt.counters.downloads++;
      writeTemp(rt, target, buf);
      return { success: true, errMsg: '', fileName: filename, path: target, ...(legacy ? {} : { isLocal: false }) };
    }
    case 'base64':
    case 'data': {
      writeTemp(rt, target, Buffer.from(payload, 'base64'));
      return { success: true, errMsg: '', fileName: filename, path: target, ...(legacy ? {} : { isLocal: false }) };
    }
    default:
      return { success: false, errMsg: `识别URL失败, uri= ${uri.slice(0, 200)}`, fileName: '', path: '' };
  }
}
