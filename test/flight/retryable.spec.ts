import { expect } from 'chai';
import { isRetryableSendError } from '../../src/flight/retryable';

const HEAD =
  'EventChecker Failed: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ' +
  'ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n';
const TIMEOUT_HEAD =
  'Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ' +
  'ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet:\n';
const richMediaFailed = { result: -1, errMsg: 'rich media transfer failed' };

describe('isRetryableSendError', () => {
  it('retries the kernel result -1 "rich media transfer failed" as NapCat words it', () => {
    expect(isRetryableSendError(HEAD + JSON.stringify(richMediaFailed, null, 4) + '\n')).to.equal(true);
  });

  it('also matches the older "Error: " prefix, compact JSON and the forward-message wrapper', () => {
    expect(isRetryableSendError('Error: ' + HEAD + JSON.stringify(richMediaFailed, null, 4))).to.equal(true);
    expect(isRetryableSendError(HEAD + JSON.stringify(richMediaFailed))).to.equal(true);
    const wrapped = '发送伪造合并转发消息失败: Error: ' + HEAD + JSON.stringify(richMediaFailed, null, 4) + '\n    at x (y.js:1:1)';
    expect(isRetryableSendError(wrapped)).to.equal(true);
  });

  it('never retries a Timeout, which may have delivered (NapCat #932)', () => {
    expect(isRetryableSendError(TIMEOUT_HEAD + '{}\n')).to.equal(false);
    expect(isRetryableSendError(TIMEOUT_HEAD + JSON.stringify(richMediaFailed, null, 4))).to.equal(false);
  });

  it('does not retry other results, other messages or partial matches', () => {
    const cases = [
      HEAD + JSON.stringify({ result: -1, errMsg: 'file too large' }, null, 4),
      HEAD + JSON.stringify({ result: -10, errMsg: 'rich media transfer failed' }, null, 4),
      HEAD + JSON.stringify({ result: 0, errMsg: 'rich media transfer failed' }, null, 4),
      HEAD + JSON.stringify({ result: 1, errMsg: '' }, null, 4),
      'rich media transfer failed',
      '"result": -1',
      'ENOENT: no such file or directory, stat \'/nt_data/Pic/2025-02/Ori/abc.jpg\'',
      '',
    ];
    for (const message of cases) expect(isRetryableSendError(message), message).to.equal(false);
  });
});
