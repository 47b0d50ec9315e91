import { expect } from 'chai';
import { SingleFlight } from '../../src/flight/single-flight';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs one execution for 1,000 concurrent callers of one key and gives all the same value', async () => {
    const flight = new SingleFlight<string, { n: number }>();
    let executions = 0;
    const gate = deferred<void>();
    const calls = Array.from({ length: 1000 }, () =>
      flight.run('k', async () => {
        executions++;
        await gate.promise;
        return { n: executions };
      }),
    );
    expect(flight.has('k')).to.equal(true);
    expect(flight.size).to.equal(1);
    gate.resolve();
    const results = await Promise.all(calls);
    expect(executions).to.equal(1);
    expect(new Set(results).size).to.equal(1);
    expect(results[0]).to.deep.equal({ n: 1 });
    expect(flight.size).to.equal(0);
  });

  it('keeps different keys apart', async () => {
    const flight = new SingleFlight<string, string>();
    let executions = 0;
    const run = (key: string) =>
      flight.run(key, async () => {
        executions++;
        return key;
      });
    const results = await Promise.all([run('a'), run('b'), run('a'), run('b')]);
    expect(results).to.deep.equal(['a', 'b', 'a', 'b']);
    expect(executions).to.equal(2);
  });

  it('rejects every joiner with the error and does not cache it', async () => {
    const flight = new SingleFlight<string, number>();
    let executions = 0;
    const gate = deferred<void>();
    const failing = () =>
      flight.run('k', async () => {
        executions++;
        await gate.promise;
        throw new Error('boom');
      });
    const calls = Array.from({ length: 50 }, failing).map((p) => p.then(() => 'resolved', (e: Error) => e.message));
    gate.resolve();
    expect(await Promise.all(calls)).to.deep.equal(Array(50).fill('boom'));
    expect(executions).to.equal(1);
    expect(flight.has('k')).to.equal(false);

    const next = await flight.run('k', async () => {
      executions++;
      return 7;
    });
    expect(next).to.equal(7);
    expect(executions).to.equal(2);
  });

  it('does not cache a result: a call after settling runs again', async () => {
    const flight = new SingleFlight<string, number>();
    let executions = 0;
    const fn = async () => ++executions;
    expect(await flight.run('k', fn)).to.equal(1);
    expect(await flight.run('k', fn)).to.equal(2);
  });

  it('turns a synchronous throw into a rejection shared by joiners', async () => {
    const flight = new SingleFlight<string, number>();
    let executions = 0;
    const fn = (): Promise<number> => {
      executions++;
      throw new Error('sync');
    };
    const a = flight.run('k', fn);
    const b = flight.run('k', fn);
    const messages = await Promise.all([a, b].map((p) => p.catch((e: Error) => e.message)));
    expect(messages).to.deep.equal(['sync', 'sync']);
    expect(executions).to.equal(1);
  });

  it('lets one joiner time out on its own without aborting the shared work', async () => {
    const flight = new SingleFlight<string, string>();
    const gate = deferred<string>();
    let executions = 0;
    const work = () => {
      executions++;
      return gate.promise;
    };
    const patient = flight.run('k', work);
    const impatient = Promise.race([
      flight.run('k', work),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('joiner timeout')), 5)),
    ]);
    await impatient.then(
      () => expect.fail('the impatient joiner should time out'),
      (e: Error) => expect(e.message).to.equal('joiner timeout'),
    );
    expect(flight.has('k')).to.equal(true);
    gate.resolve('done');
    expect(await patient).to.equal('done');
    expect(executions).to.equal(1);
  });

  it('after forget(), the old flight settling does not remove the newer one (golang/go#31420)', async () => {
    const flight = new SingleFlight<string, string>();
    const first = deferred<string>();
    const second = deferred<string>();
    let executions = 0;
    const old = flight.run('k', () => (executions++, first.promise));
    flight.forget('k');
    const fresh = flight.run('k', () => (executions++, second.promise));
    first.resolve('old');
    expect(await old).to.equal('old');
    expect(flight.has('k')).to.equal(true);
    const joiner = flight.run('k', () => (executions++, Promise.resolve('third')));
    second.resolve('new');
    expect(await fresh).to.equal('new');
    expect(await joiner).to.equal('new');
    expect(executions).to.equal(2);
    expect(flight.size).to.equal(0);
  });
});
