// SendRelay against a fake NapCat (a function answering each request): keys, rewrites,
// retries and the fallbacks, counted.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyBase64, sendTimedOut, uploadStillFailing } from '../../src/errors/catalog';
import { Lanes } from '../../src/flight/lanes';
import { Pacer } from '../../src/flight/pacing';
import { manualClock } from '../flight/manual-clock';
import { RetryPolicy } from '../../src/flight/retry';
import { silentLogger } from '../../src/logger';
import { FileDigests } from '../../src/store/file-digests';
import { PathMap } from '../../src/proxy/path-map';
import type { OneBotReply } from '../../src/proxy/replies';
import { RewritePolicy } from '../../src/proxy/rewrite';
import { SendPlanner } from '../../src/proxy/send/plan';
import { SendRelay, type SendRequest } from '../../src/proxy/send/relay';
import { ProxyStats } from '../../src/proxy/stats';
import type { UrlMedia } from '../../src/proxy/url-media';
import { MediaStore } from '../../src/store';
import { makePng } from '../host';

const RICH = 'EventChecker Failed: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{\n    "result": -1,\n    "errMsg": "rich media transfer failed"\n}\n';
const TIMEOUT = 'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n{}\n';
const ok = (): OneBotReply => ({ status: 'ok', retcode: 0, data: { message_id: 1 }, message: '', wording: '' });
const failed = (message: string): OneBotReply => ({ status: 'failed', retcode: 1200, data: null, message, wording: message });

interface Seen {
  action: string;
  params: Record<string, unknown>;
}

describe('proxy/send relay', function () {
  this.timeout(20_000);
  let dir: string;
  let store: MediaStore;
  const image = makePng({ bytes: 20_000, seed: 9 });
  const b64 = image.toString('base64');

  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'relay-'));
    store = await MediaStore.open({ dir: path.join(dir, 'store'), logger: silentLogger });
  });
  afterEach(async () => {
    await store.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  function build(options: { mode?: 'auto' | 'off'; pathMap?: string[]; maxAttempts?: number; urls?: UrlMedia; pacer?: Pacer } = {}) {
    const stats = new ProxyStats('test');
    const paths = new PathMap(options.pathMap ?? []);
    const rewrite = new RewritePolicy({ mode: options.mode ?? 'auto', paths, storeDir: path.join(dir, 'store'), logger: silentLogger });
    const fallbacks: string[] = [];
    const files = new FileDigests();
    const planner = new SendPlanner({
      store,
      urls: options.urls ?? { fetch: () => Promise.reject(new Error('no network in this spec')) },
      files,
      paths,
      rewriting: () => rewrite.active,
      fetchesUrls: true,
      fallback: (reason) => fallbacks.push(reason),
      logger: silentLogger,
    });
    const retry = new RetryPolicy({ maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 0, maxDelayMs: 0 });
    const pacer = options.pacer ?? new Pacer({ ratePerSecond: 0, burst: 1 });
    const relay = new SendRelay({ planner, pacer, lanes: new Lanes({ maxConcurrent: 8 }), rewrite, retry: () => retry, napcatTimeout: () => ({ baseMs: 10_000, uploadSpeedKBps: 256, maxMs: 1_800_000 }), stats, logger: silentLogger });
    return { relay, stats, rewrite, fallbacks, files };
  }

  /** A fake NapCat: answers download_file (the probe) as `probe` says and sends with `answers` in turn. */
  function napcat(answers: OneBotReply[], probe: 'ok' | 'failed' = 'ok') {
    const seen: Seen[] = [];
    const call = async (action: string, params: Record<string, unknown>) => {
      if (action === 'download_file') return probe === 'ok' ? ok() : failed('文件写入失败, 检查权限');
      seen.push({ action, params: JSON.parse(JSON.stringify(params)) as Record<string, unknown> });
      return answers.shift() ?? ok();
    };
    return { seen, call };
  }

  const request = (message: unknown, base = 'send_group_msg'): SendRequest => ({ action: base, base, params: { group_id: 1, message }, retcode: 1200 });

  it('rewrites base64 to the store file once the probe proves NapCat reads it', async () => {
    const { relay, rewrite } = build();
    const fake = napcat([]);
    const reply = await relay.relay(request([{ type: 'image', data: { file: `base64://${b64}` } }]), fake.call);
    expect(reply).to.include({ status: 'ok' });
    expect(rewrite.state).to.equal('proven');
    const sent = (fake.seen[0].params.message as Array<{ data: { file: string } }>)[0].data.file;
    expect(sent).to.match(/^file:\/\/\//);
    expect(fs.readFileSync(decodeURIComponent(sent.slice(7))).equals(image)).to.equal(true);
    expect(store.stats().leases, 'leases released after the reply').to.equal(0);
  });

  it('sends as it came when the probe fails (only the lanes act), and says pass when nothing can be keyed', async () => {
    const { relay, rewrite } = build();
    const fake = napcat([], 'failed');
    const reply = await relay.relay(request(`[CQ:image,file=base64://${b64}]`), fake.call);
    expect(rewrite.state).to.equal('unproven');
    expect(reply).to.include({ status: 'ok' });
    expect(fake.seen[0].params.message).to.equal(`[CQ:image,file=base64://${b64}]`);
    // A text-only message has no media: the frame passes untouched.
    expect(await relay.relay(request('hello'), fake.call)).to.equal('pass');
  });

  it('keys a reference it cannot read (NapCat\'s own file token of a received image) by itself', async () => {
    const { relay } = build({ mode: 'off' });
    let inside = 0;
    let worst = 0;
    const call = async () => {
      worst = Math.max(worst, ++inside);
      await new Promise((r) => setTimeout(r, 5));
      inside--;
      return ok();
    };
    const token = '3B1F1E3A6C2D4E5F.image';
    const replies = await Promise.all(Array.from({ length: 5 }, () => relay.relay(request([{ type: 'image', data: { file: token } }]), call)));
    expect(replies.every((r) => r !== 'pass' && r.status === 'ok')).to.equal(true);
    expect(worst, 'one send of that token at a time').to.equal(1);
  });

  it('retries only `rich media transfer failed`, and says so when it still fails', async () => {
    const { relay, stats } = build({ mode: 'off' });
    const fake = napcat([failed(RICH), failed(RICH), failed(RICH)]);
    const reply = (await relay.relay(request([{ type: 'image', data: { file: `base64://${b64}` } }]), fake.call)) as OneBotReply;
    expect(fake.seen).to.have.length(3);
    expect(reply.status).to.equal('failed');
    expect(reply.message).to.equal(uploadStillFailing({ attempts: 3, verified: false, napcat: RICH }));
    expect(reply.wording).to.equal(reply.message);
    expect(reply.message, 'a bot matching on it still matches').to.include('rich media transfer failed');
    expect(reply.message?.endsWith(RICH), 'NapCat’s own text last').to.equal(true);
    expect(stats.snapshot().uploads.retries).to.equal(2);
    expect(stats.snapshot().failures).to.deep.equal({ RICH_MEDIA_TRANSFER_FAILED: 1 });
    expect(stats.snapshot().failuresByCategory).to.deep.include({ UPLOAD_FAILED: 1, SEND_TIMEOUT: 0 });
  });

  it('a retry that succeeds gives the bot the ok reply', async () => {
    const { relay } = build({ mode: 'off' });
    const fake = napcat([failed(RICH), ok()]);
    const reply = await relay.relay(request([{ type: 'image', data: { file: `base64://${b64}` } }]), fake.call);
    expect(reply).to.include({ status: 'ok' });
    expect(fake.seen).to.have.length(2);
  });

  it('never retries a Timeout (it may have delivered) nor any other failure; a Timeout is said in the catalog’s words', async () => {
    const { relay, stats } = build({ mode: 'off' });
    // NapCat's timeout for this send: 10 s + 20,000 bytes at 256 KB/s.
    const napcatTimeoutMs = 10_000 + (image.length / 1024 / 256) * 1000;
    for (const [message, answer] of [
      [TIMEOUT, sendTimedOut({ timeoutMs: napcatTimeoutMs, napcat: TIMEOUT })],
      ['发送消息失败', '发送消息失败'],
      ['EventChecker Failed: {"result": -2, "errMsg": "rich media transfer failed"}', 'EventChecker Failed: {"result": -2, "errMsg": "rich media transfer failed"}'],
    ]) {
      const fake = napcat([failed(message)]);
      const reply = (await relay.relay(request([{ type: 'image', data: { file: `base64://${b64}` } }]), fake.call)) as OneBotReply;
      expect(fake.seen, message).to.have.length(1);
      expect(reply.message).to.equal(answer);
    }
    expect(stats.snapshot().failuresByCategory).to.deep.include({ UPLOAD_FAILED: 0, SEND_TIMEOUT: 1 });
  });

  // Only base64 NapCat itself could not send is refused: text that decodes to nothing
  // (Buffer.from skips '@', so 'AB$CD'-like text with a stray character is sent, as NapCat sends it).
  it('base64 that decodes to nothing fails the request with the catalog’s EMPTY_BASE64 text and reaches no NapCat', async () => {
    const { relay, stats } = build({ mode: 'off' });
    const fake = napcat([]);
    const reply = (await relay.relay(request([{ type: 'image', data: { file: 'base64://@@@@' } }]), fake.call)) as OneBotReply;
    expect(reply.status).to.equal('failed');
    expect(reply.retcode).to.equal(1200);
    expect(reply.message).to.equal(emptyBase64({ characters: 4 }));
    expect(fake.seen).to.have.length(0);
    expect(stats.snapshot().failuresByCategory.EMPTY_BASE64).to.equal(1);
  });

  it('an empty download is not the bot’s base64: it goes on as it came, for NapCat to judge', async () => {
    const { relay, fallbacks } = build({ urls: { fetch: () => store.putBytes(new Uint8Array(0)) } });
    const fake = napcat([]);
    const reply = await relay.relay(request([{ type: 'image', data: { file: 'http://example.invalid/empty.png' } }]), fake.call);
    expect(reply).to.include({ status: 'ok' });
    expect(fallbacks).to.deep.equal(['EMPTY']);
  });

  it('pacing: each media send takes one token before its lane, in turn; a retry takes none', async () => {
    const manual = manualClock();
    const advance = (ms: number) => manual.runAt(manual.now() + ms);
    const settle = () => new Promise((r) => setTimeout(r, 50));
    const pacer = new Pacer({ ratePerSecond: 1, burst: 1 }, manual.clock);
    const { relay, stats } = build({ mode: 'off', pacer });
    const fake = napcat([failed(RICH), ok()]);
    const images = [b64, makePng({ bytes: 20_000, seed: 31 }).toString('base64'), makePng({ bytes: 20_000, seed: 32 }).toString('base64')];
    const replies: Array<Promise<unknown>> = [];
    for (const image of images) {
      replies.push(relay.relay(request([{ type: 'image', data: { file: `base64://${image}` } }]), fake.call));
      await settle();
    }
    expect(fake.seen, 'the first send and its retry, on one token').to.have.length(2);
    expect([pacer.queued, pacer.currentWaitMs()], 'two waiting; a send arriving now would be third').to.deep.equal([2, 3000]);
    advance(1000);
    await settle();
    expect(fake.seen).to.have.length(3);
    advance(1000);
    await Promise.all(replies);
    const sent = fake.seen.map((r) => (r.params.message as Array<{ data: { file: string } }>)[0].data.file.slice(9, 40));
    expect(sent).to.deep.equal([images[0], images[0], images[1], images[2]].map((t) => t.slice(0, 31)));
    expect(pacer.queued).to.equal(0);
    expect(stats.snapshot().pacing.sends).to.equal(3);
  });

  it('when NapCat cannot read a rewritten path, turns rewriting off and sends the media as they came', async () => {
    const { relay, rewrite, stats } = build({ pathMap: [`${path.join(dir, 'store')}=/nowhere/cache`] });
    expect(rewrite.state).to.equal('mapped');
    const fake = napcat([failed(`ENOENT: no such file or directory, open '/nowhere/cache/content/ab/x.png'`)]);
    const reply = await relay.relay(request([{ type: 'image', data: { file: `base64://${b64}` } }]), fake.call);
    expect(reply).to.include({ status: 'ok' });
    expect(fake.seen).to.have.length(2);
    expect((fake.seen[0].params.message as Array<{ data: { file: string } }>)[0].data.file).to.match(/^file:\/\/\/nowhere\/cache\/content\//);
    expect((fake.seen[1].params.message as Array<{ data: { file: string } }>)[0].data.file).to.equal(`base64://${b64}`);
    expect(rewrite.state).to.equal('disabled');
    expect(stats.snapshot().fallbacks).to.deep.equal({ REWRITE_UNREADABLE: 1 });
  });

  it('keys a bot\'s own file by its md5, hashing it once however often it is sent', async () => {
    const { relay, files } = build({ mode: 'off' });
    const file = path.join(dir, 'own.png');
    fs.writeFileSync(file, image);
    const fake = napcat([]);
    for (let i = 0; i < 5; i++) {
      expect(await relay.relay(request([{ type: 'image', data: { file: `file://${file}` } }]), fake.call)).to.include({ status: 'ok' });
    }
    expect(files.reads).to.equal(1);
    // Changed in place: hashed again.
    fs.writeFileSync(file, makePng({ bytes: 20_000, seed: 10 }));
    await relay.relay(request([{ type: 'image', data: { file } }]), fake.call);
    expect(files.reads).to.equal(2);
    expect((fake.seen[0].params.message as Array<{ data: { file: string } }>)[0].data.file, 'a file:// is never rewritten').to.equal(`file://${file}`);
  });

  it('runs sends of one content one at a time and different contents in parallel', async () => {
    const { relay } = build({ mode: 'off' });
    const other = makePng({ bytes: 20_000, seed: 11 }).toString('base64');
    let inside = 0;
    let worstSame = 0;
    let worstAll = 0;
    const active = new Map<string, number>();
    const call = async (action: string, params: Record<string, unknown>) => {
      if (action === 'download_file') return ok();
      const file = (params.message as Array<{ data: { file: string } }>)[0].data.file;
      active.set(file, (active.get(file) ?? 0) + 1);
      inside++;
      worstSame = Math.max(worstSame, ...active.values());
      worstAll = Math.max(worstAll, inside);
      await new Promise((r) => setTimeout(r, 5));
      inside--;
      active.set(file, active.get(file)! - 1);
      return ok();
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => relay.relay(request([{ type: 'image', data: { file: `base64://${i % 2 ? b64 : other}` } }]), call)));
    expect(worstSame).to.equal(1);
    expect(worstAll).to.equal(2);
  });
});
