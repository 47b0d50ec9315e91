// Through NapCat's `imageDownloadProxy` (an http:// proxy URL, credentials allowed), as
// NapCat's own downloader does it: an absolute-URI GET to the proxy for http targets, a
// CONNECT tunnel with TLS inside it for https targets (reference/napcat-pipeline.md §1.2).
import http, { type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { HttpResponse, RequestHeaders } from './response';

export async function fetchViaProxy(
  url: string,
  headers: RequestHeaders,
  proxy: string,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const target = new URL(url);
  const via = new URL(proxy);
  const auth: RequestHeaders =
    via.username || via.password
      ? { 'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(via.username)}:${decodeURIComponent(via.password)}`).toString('base64')}` }
      : {};
  const proxyPort = Number(via.port) || (via.protocol === 'https:' ? 443 : 80);
  let message: IncomingMessage;
  if (target.protocol === 'https:') {
    const socket = await tunnel(via.hostname, proxyPort, target, auth, signal);
    const secure = tls.connect({ socket, servername: target.hostname });
    message = await send(
      http.request({
        createConnection: () => secure,
        method: 'GET',
        path: target.pathname + target.search,
        headers: { ...headers, host: target.host },
        signal,
      }),
    );
  } else {
    message = await send(
      http.request({
        host: via.hostname,
        port: proxyPort,
        method: 'GET',
        path: target.href,
        headers: { ...headers, host: target.host, ...auth },
        signal,
      }),
    );
  }
  return {
    status: message.statusCode ?? 0,
    statusText: message.statusMessage ?? '',
    headers: flatten(message.headers),
    body: message,
    discard: () => message.destroy(),
  };
}

function tunnel(host: string, port: number, target: URL, auth: RequestHeaders, signal: AbortSignal): Promise<Socket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  const request = http.request({ host, port, method: 'CONNECT', path: authority, headers: { host: authority, ...auth }, signal });
  return new Promise((resolve, reject) => {
    request.once('connect', (response, socket) => {
      if (response.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new Error(`proxy CONNECT ${response.statusCode ?? 0} ${response.statusMessage ?? ''}`.trim()));
    });
    request.once('error', reject);
    request.end();
  });
}

function send(request: http.ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
