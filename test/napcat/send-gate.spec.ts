import { expect } from 'chai';
import { SendGate, mediaOf } from '../../src/napcat/send-gate';
import { fakeDeps } from './fakes';

const pic = (md5: string) => ({ elementType: 2, picElement: { md5HexStr: md5, sourcePath: `/nt/Ori/${md5}.png` } });
const richMediaFailed = () =>
  new Error('EventChecker Failed: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg EventRet:\n{\n    "result": -1,\n    "errMsg": "rich media transfer failed"\n}\n');

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
    const result = await gate.wrap(sendMsg)({}, [pic('x')], 10_000);
    expect(result).to.deep.equal({ msgId: '1' });
    expect(calls).to.equal(3);
    expect(deps.stats.snapshot().uploads.retries).to.equal(2);
  });

  it('never retries a Timeout (it may have been delivered) nor any other error', async () => {
    const gate = new SendGate(fakeDeps());
    for (const error of [new Error('Timeout: NTEvent … "result": -1 rich media transfer failed'), new Error('EventChecker Failed: {"result": 5}')]) {
      let calls = 0;
      const err = await (gate
        .wrap(async () => {
          calls++;
          throw error;
        })({}, [pic('y')], 10_000) as Promise<unknown>)
        .catch((e: unknown) => e);
      expect(err).to.equal(error);
      expect(calls).to.equal(1);
    }
  });

  it('lets one send of an md5 lead; the other 9 go after it succeeded', async () => {
    const deps = fakeDeps({ maxConcurrentUploads: 10 });
    const gate = new SendGate(deps);
    let running = 0;
    let most = 0;
    const sendMsg = async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return { ok: true };
    };
    await Promise.all(Array.from({ length: 10 }, () => gate.wrap(sendMsg)({}, [pic('same')], 10_000)));
    const uploads = deps.stats.snapshot().uploads;
    expect(uploads.led).to.equal(1);
    expect(uploads.followed + uploads.passed).to.equal(9);
  });
});
