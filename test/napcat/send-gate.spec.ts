import { expect } from 'chai';
import sinon from 'sinon';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { notSent, sendTimedOut, uploadStillFailing } from '../../src/errors/catalog';
import { SendGate, mediaOf } from '../../src/napcat/send-gate';
import type { Method } from '../../src/napcat/shapes';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

/** The SendGate hook as installed over `original`. */
const over = (hook: SendGate, original: Method): Method => hooked((o, s, a) => hook.send(o, s, a), original);

const pic = (md5: string) => ({ elementType: 2, picElement: { md5HexStr: md5, sourcePath: `/nt/Ori/${md5}.png` } });
const EVENT = 'NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate';
const RESULT_MINUS_ONE = '{\n    "result": -1,\n    "errMsg": "rich media transfer failed"\n}';
const richMediaFailed = () => new Error(`EventChecker Failed: ${EVENT} EventRet:\n${RESULT_MINUS_ONE}\n`);
/** NapCat's Timeout, in full: it may carry the kernel's result so far, a -1 included. */
const napcatTimeout = (ret = RESULT_MINUS_ONE) => new Error(`Timeout: ${EVENT} EventRet:\n${ret}\n`);

describe('SendGate', () => {
  it('finds the media keys of every element kind', () => {
    const { keys } = mediaOf([
      pic('a'),
      { videoElement: { videoMd5: 'v', filePath: '/v' } },
      { pttElement: { md5HexStr: 'p', filePath: '/p' } },
      { fileElement: { filePath: '/f' } },
      { textElement: {} },
    ]);
    expect(keys).to.deep.equal(['a', 'v', 'p', 'file:/f']);
  });

  it('retries rich media transfer failed, each attempt logged, and returns the success', async () => {
    const deps = fakeDeps();
    const gate = new SendGate(deps);
    let calls = 0;
    const sendMsg = async () => {
      if (++calls < 3) throw richMediaFailed();
      return { msgId: '1' };
    };
    const result = await over(gate, sendMsg)({}, [pic('x')], 10_000);
    expect(result).to.deep.equal({ msgId: '1' });
    expect(calls).to.equal(3);
    expect(deps.stats.snapshot().uploads.retries).to.equal(2);
  });

  it('retries a temp chat through the group it came with, not the msg id NapCat wrote into peer.guildId', async () => {
    const gate = new SendGate(fakeDeps());
    const groups: string[] = [];
    let calls = 0;
    // NapCat's sendMsg: a temp chat's guildId is read as the group on entry, then overwritten.
    const sendMsg = async (peer: { chatType: number; guildId?: string }) => {
      if (peer.chatType === 100 && peer.guildId) groups.push(peer.guildId);
      peer.guildId = `7${++calls}`;
      if (calls === 1) throw richMediaFailed();
      return { msgId: peer.guildId };
    };
    const peer = { chatType: 100, peerUid: 'u_9', guildId: '123456' };
    expect(await over(gate, sendMsg as never)(peer, [pic('t')], 10_000)).to.deep.equal({ msgId: '72' });
    expect(groups, 'the group each attempt saw').to.deep.equal(['123456', '123456']);
    expect(peer.guildId, 'left as NapCat leaves it').to.equal('72');
  });

  it('never retries a Timeout (it may have been delivered) nor any other error', async () => {
    const gate = new SendGate(fakeDeps());
    for (const error of [napcatTimeout(), new Error('EventChecker Failed: {"result": 5}')]) {
      let calls = 0;
      const err = await (over(gate, async () => {
        calls++;
        throw error;
      })({}, [pic('y')], 10_000) as Promise<unknown>).catch((e: unknown) => e);
      expect((err as Error).message.endsWith(error.message), 'NapCat’s own text last').to.equal(true);
      expect(calls).to.equal(1);
    }
  });

  describe('an outage: every attempt times out (NapCat #932, #1815)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 0 })));
    afterEach(() => clock.restore());

    /** NapCat's sendMsg while the server does not answer: its own timer rejects after the timeout it is given. */
    const outage = (calls: number[]) => (_peer: unknown, _elements: unknown, timeout: number) => {
      calls.push(timeout);
      return new Promise((_resolve, reject) => setTimeout(() => reject(napcatTimeout('{}')), timeout));
    };

    it('20 sends of one image: every one answered within NapCat’s own timeout, not one after another', async () => {
      const deps = fakeDeps({ maxConcurrentUploads: 4 });
      const gate = new SendGate(deps);
      const calls: number[] = [];
      const answeredAt: number[] = [];
      const sends = Array.from({ length: 20 }, () =>
        (over(gate, outage(calls) as never)({}, [pic('down')], 10_000) as Promise<unknown>).catch((e: Error) => {
          answeredAt.push(Date.now());
          return e.message;
        }),
      );
      await clock.tickAsync(10_000);
      const messages = (await Promise.all(sends)) as string[];
      expect(Math.max(...answeredAt), 'the last answer').to.be.at.most(10_000);
      expect(calls, 'handed to NapCat: the leader alone; the others’ time was up').to.deep.equal([10_000]);
      expect(messages.filter((m) => m.startsWith('发送超时：') && m.endsWith(napcatTimeout('{}').message))).to.have.length(1);
      expect(messages.filter((m) => m === notSent({ timeoutMs: 10_000 }))).to.have.length(19);
      const snap = deps.stats.snapshot();
      expect(snap.failures.NOT_SENT).to.equal(19);
      expect([snap.failuresByCategory.NOT_SENT, snap.failuresByCategory.SEND_TIMEOUT]).to.deep.equal([19, 1]);
    });

    it('a send that waited is handed to NapCat with what is left of its timeout', async () => {
      const gate = new SendGate(fakeDeps({ maxConcurrentUploads: 4 }));
      const calls: number[] = [];
      const first = (over(gate, outage(calls) as never)({}, [pic('slow')], 10_000) as Promise<unknown>).catch(() => 'failed');
      await clock.tickAsync(4_000);
      const second = (over(gate, outage(calls) as never)({}, [pic('slow')], 10_000) as Promise<unknown>).catch(() => 'failed');
      await clock.tickAsync(20_000);
      await Promise.all([first, second]);
      expect(calls, 'the second waited 6 s for the first, then had 4 s left').to.deep.equal([10_000, 4_000]);
    });
  });

  it('lets one send of an md5 lead; the other 9 go after it succeeded', async () => {
    const deps = fakeDeps({ maxConcurrentUploads: 10 });
    const gate = new SendGate(deps);
    const events: string[] = [];
    const sendMsg = async () => {
      events.push('start');
      await new Promise((r) => setTimeout(r, 5));
      events.push('end');
      return { ok: true };
    };
    await Promise.all(Array.from({ length: 10 }, () => over(gate, sendMsg)({}, [pic('same')], 10_000)));
    expect(events.slice(0, 2), 'the leader ends before any other send starts').to.deep.equal(['start', 'end']);
    expect(events.filter((e) => e === 'start')).to.have.length(10);
    const uploads = deps.stats.snapshot().uploads;
    expect(uploads.led).to.equal(1);
    expect(uploads.followed + uploads.passed).to.equal(9);
  });

  it('caps sends that may transfer (md5 not yet confirmed) at maxConcurrentUploads, and all media sends at four times that', async () => {
    const deps = fakeDeps({ maxConcurrentUploads: 2 });
    const gate = new SendGate(deps);
    let running = 0;
    let most = 0;
    const sendMsg = async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return { ok: true };
    };
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((md5) => over(gate, sendMsg)({}, [pic(md5)], 10_000)));
    expect(most, 'six first uploads of distinct images').to.equal(2);
    most = 0;
    await Promise.all(Array.from({ length: 12 }, (_, i) => over(gate, sendMsg)({}, [pic('abcdef'[i % 6])], 10_000)));
    expect(most, 'twelve sends of confirmed images, which transfer nothing: four times the cap').to.equal(8);
    most = 0;
    await Promise.all(Array.from({ length: 6 }, (_, i) => over(gate, sendMsg)({}, [pic('a'), pic(`new${i}`)], 10_000)));
    expect(most, 'one unconfirmed md5 in a message puts the message under the cap').to.equal(2);
  });

  it('a send waiting on the server past its first 50 ms no longer holds a slot: a slow server does not serialise a broadcast', async () => {
    const clock = sinon.useFakeTimers({ now: 0 });
    try {
      const gate = new SendGate(fakeDeps({ maxConcurrentUploads: 2 }));
      await over(gate, async () => ({ ok: true }))({}, [pic('rtt')], 10_000); // confirmed
      let running = 0;
      let most = 0;
      const roundTrips = async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 400)); // two server round trips of 200 ms
        running--;
        return { ok: true };
      };
      let last = 0;
      const all = Promise.all(
        Array.from({ length: 40 }, () => (over(gate, roundTrips)({}, [pic('rtt')], 10_000) as Promise<unknown>).then(() => (last = Date.now()))),
      );
      await clock.tickAsync(300);
      expect(most, 'at most 4 start per 50 ms, and they overlap').to.be.at.least(24);
      await clock.tickAsync(5_000);
      await all;
      expect(last, 'the last answer (4 at a time through the whole wait: 4 s)').to.be.at.most(900);
    } finally {
      clock.restore();
    }
  });

  describe('the answer when a send still fails: the error catalog, NapCat’s text last (docs/errors.md)', () => {
    const md5 = 'c0ffee00c0ffee00c0ffee00c0ffee00';

    it('rich media transfer failed on every attempt: UPLOAD_FAILED with the attempts made; each attempt led and failed', async () => {
      const deps = fakeDeps();
      let calls = 0;
      const err = await (over(new SendGate(deps), async () => {
        calls++;
        throw richMediaFailed();
      })({}, [pic(md5)], 10_000) as Promise<unknown>).catch((e: Error) => e);
      const napcat = richMediaFailed().message;
      expect(calls).to.equal(3);
      expect((err as Error).message).to.equal(uploadStillFailing({ attempts: 3, verified: false, napcat }));
      expect((err as Error).message, 'a bot matching on it still matches').to.include('rich media transfer failed');
      expect((err as Error).message.startsWith('重试后上传仍失败：已尝试 3 次；')).to.equal(true);
      const snap = deps.stats.snapshot();
      expect(snap.failuresByCategory).to.deep.include({ UPLOAD_FAILED: 1, SEND_TIMEOUT: 0, NOT_SENT: 0 });
      expect(snap.leaders).to.deep.include({ succeeded: 0, failed: 3, timedOut: 0 });
      expect(snap.leaders.contents.map((c) => [c.content, c.failed])).to.deep.equal([[md5.slice(0, 12), 3]]);
    });

    it('a Timeout: SEND_TIMEOUT with the seconds NapCat gave the message, not re-sent; the leader timed out', async () => {
      const deps = fakeDeps();
      let calls = 0;
      const err = await (over(new SendGate(deps), async () => {
        calls++;
        throw napcatTimeout();
      })({}, [pic(md5)], 12_345) as Promise<unknown>).catch((e: Error) => e);
      expect(calls).to.equal(1);
      expect((err as Error).message).to.equal(sendTimedOut({ timeoutMs: 12_345, napcat: napcatTimeout().message }));
      expect((err as Error).message).to.include('QQ 在 12.3 秒内没有确认').and.include('so it was not re-sent');
      expect(((err as Error).cause as Error).message, 'NapCat’s error is kept as the cause').to.equal(napcatTimeout().message);
      const snap = deps.stats.snapshot();
      expect(snap.failuresByCategory.SEND_TIMEOUT).to.equal(1);
      expect(snap.leaders).to.deep.include({ succeeded: 0, failed: 0, timedOut: 1 });
    });

    it('-1 then a Timeout: the Timeout is what the client hears (it may have delivered)', async () => {
      const deps = fakeDeps();
      let calls = 0;
      const err = await (over(new SendGate(deps), async () => {
        if (++calls === 1) throw richMediaFailed();
        throw napcatTimeout('{}');
      })({}, [pic(md5)], 10_000) as Promise<unknown>).catch((e: Error) => e);
      expect(calls).to.equal(2);
      expect((err as Error).message).to.equal(sendTimedOut({ timeoutMs: 10_000, napcat: napcatTimeout('{}').message }));
      expect(deps.stats.snapshot().leaders).to.deep.include({ failed: 1, timedOut: 1 });
    });

    it('any other error passes through as NapCat said it, uncounted', async () => {
      const deps = fakeDeps();
      const error = new Error('发送消息失败');
      const err = await (over(new SendGate(deps), async () => {
        throw error;
      })({}, [pic(md5)], 10_000) as Promise<unknown>).catch((e: unknown) => e);
      expect(err).to.equal(error);
      expect(Object.values(deps.stats.snapshot().failuresByCategory).reduce((a, b) => a + b, 0)).to.equal(0);
    });

    it('ten sends of one md5: one leader, which succeeded; the followers record nothing; a file element (keyed by path) neither', async () => {
      const deps = fakeDeps({ maxConcurrentUploads: 10 });
      const gate = new SendGate(deps);
      await Promise.all(Array.from({ length: 10 }, () => over(gate, async () => ({ ok: true }))({}, [pic(md5)], 10_000)));
      await over(gate, async () => ({ ok: true }))({}, [{ fileElement: { filePath: '/f' } }], 10_000);
      const { leaders } = deps.stats.snapshot();
      expect(leaders).to.deep.include({ succeeded: 1, failed: 0, timedOut: 0 });
      expect(leaders.contents.map((c) => [c.content, c.succeeded])).to.deep.equal([[md5.slice(0, 12), 1]]);
    });
  });

  describe('pacing (pacing.mediaSendsPerSecond, pacing.burst)', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => (clock = sinon.useFakeTimers({ now: 0 })));
    afterEach(() => clock.restore());

    const md5s = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, '0'));
    /** A sendMsg that records when each send reached NTQQ and with which timeout. */
    const recorder = () => {
      const started: Array<{ id: string; at: number; timeout: unknown }> = [];
      const sendMsg = async (_peer: unknown, elements: Array<{ picElement: { md5HexStr: string } }>, timeout: unknown) => {
        started.push({ id: elements[0].picElement.md5HexStr, at: Date.now(), timeout });
        return { ok: true };
      };
      return { started, sendMsg: sendMsg as never };
    };

    it('10/s, burst 1: five sends arriving at once reach NTQQ 100 ms apart, in arrival order', async () => {
      const deps = fakeDeps({ pacing: { mediaSendsPerSecond: 10, burst: 1 } });
      const gate = new SendGate(deps);
      const { started, sendMsg } = recorder();
      const ids = md5s(5);
      const all = Promise.all(ids.map((id) => over(gate, sendMsg)({}, [pic(id)], 10_000)));
      await clock.tickAsync(0);
      expect(started.map((s) => s.at), 'a lone send with a full bucket goes at once').to.deep.equal([0]);
      const snap = deps.stats.snapshot();
      expect([snap.pacing.queued, snap.pacing.waitMs]).to.deep.equal([4, 500]);
      await clock.tickAsync(1_000);
      await all;
      expect(started.map((s) => s.at)).to.deep.equal([0, 100, 200, 300, 400]);
      expect(started.map((s) => s.id)).to.deep.equal(ids);
      const after = deps.stats.snapshot().pacing;
      expect([after.queued, after.waitMs, after.sends]).to.deep.equal([0, 0, 5]);
      expect(after.waitedMs.max).to.equal(400);
    });

    it('one token per send: not again on a retry, nor when a follower goes after its leader', async () => {
      const deps = fakeDeps({ maxConcurrentUploads: 4, pacing: { mediaSendsPerSecond: 1, burst: 1 } });
      const gate = new SendGate(deps);
      const attempts: number[] = [];
      const flaky = async () => {
        attempts.push(Date.now());
        if (attempts.length <= 2) throw richMediaFailed();
        return { ok: true };
      };
      const retried = over(gate, flaky)({}, [pic('ab'.repeat(16))], 10_000);
      await clock.tickAsync(10); // the retries' back-off (0 ms here; a timer still takes a tick)
      await retried;
      expect(attempts, 'three attempts on one token: none waits for the next token (1 s)').to.have.length(3);
      expect(Math.max(...attempts)).to.be.below(10);

      // Three sends of one md5 on a full bucket of 3: the followers wait for the leader's upload
      // (500 ms) and then go, without a token more (the next one would come at 1 s).
      const followers = fakeDeps({ maxConcurrentUploads: 4, pacing: { mediaSendsPerSecond: 1, burst: 3 } });
      const started: number[] = [];
      const slow = async () => {
        started.push(Date.now());
        await new Promise((r) => setTimeout(r, 500));
        return { ok: true };
      };
      const gate3 = new SendGate(followers);
      const t0 = Date.now();
      const all = Promise.all([0, 1, 2].map(() => over(gate3, slow)({}, [pic('cd'.repeat(16))], 10_000)));
      await clock.tickAsync(1_000);
      await all;
      expect(started.map((at) => at - t0)).to.deep.equal([0, 500, 500]);
      expect(followers.stats.snapshot().uploads).to.deep.include({ led: 1, followed: 2 });
      expect(followers.stats.snapshot().pacing.sends).to.equal(3);
    });

    it('the wait is not taken from NapCat’s timeout: the 15th send at 1/s starts at 14 s with its full 10 s', async () => {
      const deps = fakeDeps({ pacing: { mediaSendsPerSecond: 1, burst: 1 } });
      const gate = new SendGate(deps);
      const { started, sendMsg } = recorder();
      const all = Promise.all(md5s(15).map((id) => over(gate, sendMsg)({}, [pic(id)], 10_000)));
      await clock.tickAsync(15_000);
      await all;
      expect(started.map((s) => s.at)).to.deep.equal(Array.from({ length: 15 }, (_, i) => i * 1000));
      expect(started.every((s) => s.timeout === 10_000)).to.equal(true);
      expect(deps.stats.snapshot().failuresByCategory.NOT_SENT).to.equal(0);
    });

    it('off by default: nothing waits and nothing is counted; turned off live, the queue goes at once; close() lets it go too', async () => {
      const plain = fakeDeps();
      await over(new SendGate(plain), async () => ({ ok: true }))({}, [pic('aa'.repeat(16))], 10_000);
      expect(plain.stats.snapshot().pacing).to.deep.equal({ queued: 0, waitMs: 0, sends: 0, waitedMs: { p50: null, p95: null, max: null } });

      for (const stop of ['reconfigure', 'close'] as const) {
        const deps = fakeDeps({ pacing: { mediaSendsPerSecond: 1, burst: 1 } });
        const gate = new SendGate(deps);
        const { started, sendMsg } = recorder();
        const t0 = Date.now();
        const all = Promise.all(md5s(4).map((id) => over(gate, sendMsg)({}, [pic(id)], 10_000)));
        await clock.tickAsync(0);
        expect(started).to.have.length(1);
        if (stop === 'close') gate.close();
        else gate.reconfigure({ ...deps.config(), pacing: { mediaSendsPerSecond: 0, burst: 1 } });
        await clock.tickAsync(0);
        await all;
        expect(started.map((s) => s.at - t0), stop).to.deep.equal([0, 0, 0, 0]);
      }
    });
  });

  describe('media files put back before each attempt', () => {
    let dir: string;
    let src: string;
    let dst: string;
    const bytes = Buffer.alloc(100_000, 3);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const element = () => ({ elementType: 2, picElement: { md5HexStr: md5, sourcePath: dst } });

    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'mc-gate-'));
      src = path.join(dir, 'source.png');
      dst = path.join(dir, `${md5}.png`);
      await writeFile(src, bytes);
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('a media file deleted after uploadFile placed it is copied back before NTQQ is called', async () => {
      let native = 0;
      const deps = fakeDeps({}, { copy: async (a, b) => { native++; await copyFile(a, b); } });
      deps.managed.addPlaced(dst, { src, size: bytes.length });
      await deps.copies.ensure(src, dst, bytes.length);
      await unlink(dst); // a cleaner, or clean_cache
      const seen: boolean[] = [];
      await over(new SendGate(deps), async () => { seen.push(existsSync(dst)); return { msgId: '1' }; })({}, [element()], 10_000);
      expect(seen).to.deep.equal([true]);
      expect(native).to.equal(2);
      expect(deps.stats.snapshot().ntqq.copiesMade).to.equal(1);
    });

    it('a file on disk as last verified is confirmed by one synchronous look; one rewritten since (same size) is checked and put back', async () => {
      let native = 0;
      const deps = fakeDeps({}, { copy: async (a, b) => { native++; await copyFile(a, b); } });
      deps.managed.addPlaced(dst, { src, size: bytes.length });
      await deps.copies.ensure(src, dst, bytes.length);
      const ensure = sinon.spy(deps.copies, 'ensure');
      const send = over(new SendGate(deps), async () => ({ msgId: '1', read: (await readFile(dst)).equals(bytes) }));
      expect(await send({}, [element()], 10_000)).to.deep.equal({ msgId: '1', read: true });
      expect(ensure.callCount, 'as verified: no async check').to.equal(0);
      await new Promise((r) => setTimeout(r, 5));
      await writeFile(dst, Buffer.alloc(bytes.length, 9)); // other bytes, same size, in place
      expect(await send({}, [element()], 10_000)).to.deep.equal({ msgId: '1', read: true });
      expect(ensure.callCount, 'changed since: the full check').to.equal(1);
      expect(native).to.equal(2);
    });

    it('after "rich media transfer failed" with the file gone, the retry sends only once the copy is back', async () => {
      let native = 0;
      const deps = fakeDeps({}, { copy: async (a, b) => { native++; await copyFile(a, b); } });
      deps.managed.addPlaced(dst, { src, size: bytes.length });
      await deps.copies.ensure(src, dst, bytes.length);
      const seen: boolean[] = [];
      const sendMsg = async () => {
        seen.push(existsSync(dst));
        if (seen.length === 1) {
          await unlink(dst); // deleted under the kernel's first read
          throw richMediaFailed();
        }
        return { msgId: '2' };
      };
      expect(await over(new SendGate(deps), sendMsg)({}, [element()], 10_000)).to.deep.equal({ msgId: '2' });
      expect(seen).to.deep.equal([true, true]);
      expect(native).to.equal(2);
      expect((await readFile(dst)).equals(bytes)).to.equal(true);
    });

    it('still failing after retries with every file checked: the answer says the file was verified intact', async () => {
      const deps = fakeDeps();
      deps.managed.addPlaced(dst, { src, size: bytes.length });
      await deps.copies.ensure(src, dst, bytes.length);
      const err = await (over(new SendGate(deps), async () => {
        throw richMediaFailed();
      })({}, [element()], 10_000) as Promise<unknown>).catch((e: Error) => e);
      expect((err as Error).message).to.equal(uploadStillFailing({ attempts: 3, verified: true, napcat: richMediaFailed().message }));
      expect((err as Error).message).to.include('文件已核对完好').and.include('file verified intact');
    });

    it('ten sends waiting behind a leader whose file vanished each find it back, with one copy between them', async () => {
      let native = 0;
      const deps = fakeDeps({ maxConcurrentUploads: 10 }, { copy: async (a, b) => { native++; await copyFile(a, b); } });
      deps.managed.addPlaced(dst, { src, size: bytes.length });
      await deps.copies.ensure(src, dst, bytes.length);
      let calls = 0;
      const missing: number[] = [];
      const sendMsg = async () => {
        if (!existsSync(dst)) missing.push(calls);
        if (++calls === 1) {
          await unlink(dst);
          throw richMediaFailed();
        }
        await new Promise((r) => setTimeout(r, 2));
        return { msgId: String(calls) };
      };
      const gate = new SendGate(deps);
      await Promise.all(Array.from({ length: 10 }, () => over(gate, sendMsg)({}, [element()], 10_000)));
      expect(missing, 'attempts that found the file gone').to.deep.equal([]);
      expect(calls).to.equal(11);
      expect(native, 'one copy back for all of them').to.equal(2);
    });
  });
});
