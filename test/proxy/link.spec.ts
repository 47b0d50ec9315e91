import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { WsLink } from '../../src/proxy/ws/link';

/** The masking key of the first client frame in `bytes` (RFC 6455 §5.2), or undefined when unmasked. */
function maskingKey(bytes: Buffer): Buffer | undefined {
  if ((bytes[1] & 0x80) === 0) return undefined;
  const length = bytes[1] & 0x7f;
  const at = length === 126 ? 4 : length === 127 ? 10 : 2;
  return bytes.subarray(at, at + 4);
}

describe('proxy WsLink', () => {
  it('sends its frames with a zero masking key, which ws on the other side reads without an unmasking pass', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ noServer: true });
    const raw: Buffer[] = [];
    const received = new Promise<string>((resolve) => {
      server.on('upgrade', (req, socket: Socket, head) => {
        // Every byte the link writes after the handshake, as it comes off the wire.
        socket.on('data', (chunk: Buffer) => raw.push(chunk));
        wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => resolve(data.toString())));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const text = JSON.stringify({ action: 'send_group_msg', params: { message: 'x'.repeat(70_000) } });
    const link = new WsLink(
      { url: `ws://127.0.0.1:${port}/`, headers: {}, reconnect: 'until-open', minMs: 100, maxMs: 100 },
      { open: () => link.send(text, false), message: () => undefined, failed: () => undefined, closed: () => undefined },
    );
    try {
      expect(await received, 'NapCat reads the frame as sent').to.equal(text);
      const bytes = Buffer.concat(raw);
      expect(bytes[1] & 0x80, 'a client frame is masked, as RFC 6455 requires').to.equal(0x80);
      expect([...maskingKey(bytes)!]).to.deep.equal([0, 0, 0, 0]);
      // With a zero key the payload is on the wire as it is, so neither side ran a masking pass over it.
      expect(bytes.includes(Buffer.from(text.slice(0, 64)))).to.equal(true);
    } finally {
      link.close();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
