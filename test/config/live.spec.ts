import { expect } from 'chai';
import sinon from 'sinon';
import { DEFAULT_CONFIG, LiveConfig, type MediaCacheConfig } from '../../src/config';
import { recordingLogger } from './recording-logger';

describe('config/live LiveConfig', () => {
  it('apply validates, replaces current and notifies every listener once with the changed paths', () => {
    const { logger } = recordingLogger();
    const live = new LiveConfig(DEFAULT_CONFIG, logger);
    const a = sinon.spy();
    const b = sinon.spy();
    live.onChange(a);
    live.onChange(b);
    const before = live.current;
    const r = live.apply({ graceSeconds: 5, 'retry.maxAttempts': 7, debug: false });
    expect(r.changed).to.deep.equal(['graceSeconds', 'retry.maxAttempts']);
    expect(live.current.graceSeconds).to.equal(5);
    expect(live.current.retry.maxAttempts).to.equal(7);
    expect(before.graceSeconds).to.equal(DEFAULT_CONFIG.graceSeconds); // old object untouched
    for (const spy of [a, b]) {
      expect(spy.callCount).to.equal(1);
      const [next, previous, changed] = spy.firstCall.args as [MediaCacheConfig, MediaCacheConfig, string[]];
      expect(next).to.equal(live.current);
      expect(previous).to.equal(before);
      expect(changed).to.deep.equal(['graceSeconds', 'retry.maxAttempts']);
    }
  });

  it('does not notify when nothing changed', () => {
    const live = new LiveConfig(DEFAULT_CONFIG, recordingLogger().logger);
    const spy = sinon.spy();
    live.onChange(spy);
    expect(live.apply({ graceSeconds: DEFAULT_CONFIG.graceSeconds }).changed).to.deep.equal([]);
    expect(live.apply({}).changed).to.deep.equal([]);
    expect(spy.callCount).to.equal(0);
  });

  it('keeps the current value of a rejected field, applies the rest, and logs the path', () => {
    const { logger, lines } = recordingLogger();
    const live = new LiveConfig(DEFAULT_CONFIG, logger);
    const spy = sinon.spy();
    live.onChange(spy);
    const r = live.apply({ maxConcurrentUploads: 0, maxEntries: 50 });
    expect(live.current.maxConcurrentUploads).to.equal(DEFAULT_CONFIG.maxConcurrentUploads);
    expect(live.current.maxEntries).to.equal(50);
    expect(r.problems.map((p) => p.path)).to.deep.equal(['maxConcurrentUploads']);
    expect(lines).to.have.length(1);
    expect(lines[0].text).to.contain('WebUI: maxConcurrentUploads: 需要 1–64 的整数 / must be an integer 1–64, got 0');
    expect(spy.callCount).to.equal(1);
  });

  it('unsubscribes, and a throwing listener neither blocks the others nor the change', () => {
    const { logger, lines } = recordingLogger();
    const live = new LiveConfig(DEFAULT_CONFIG, logger);
    const removed = sinon.spy();
    const after = sinon.spy();
    const off = live.onChange(removed);
    live.onChange(() => {
      throw new Error('boom');
    });
    live.onChange(after);
    off();
    live.apply({ debug: true });
    expect(removed.callCount).to.equal(0);
    expect(after.callCount).to.equal(1);
    expect(live.current.debug).to.equal(true);
    expect(lines.filter((l) => l.level === 'error').map((l) => l.text)).to.deep.equal([
      '配置变更回调出错 / config change listener failed: boom',
    ]);
  });

  it('hands out a frozen config so consumers cannot change it behind the listeners’ backs', () => {
    const live = new LiveConfig(DEFAULT_CONFIG, recordingLogger().logger);
    expect(Object.isFrozen(live.current)).to.equal(true);
    expect(Object.isFrozen(live.current.retry)).to.equal(true);
  });
});
