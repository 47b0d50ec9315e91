import { expect } from 'chai';
import { SendLifecycle } from '../../src/napcat/send-lifecycle';
import { fakeDeps } from './fakes';
import { hooked } from './hooked';

const media = { hash: 'h', md5: 'm', size: 1, ext: '.png', path: '/store/h.png' };

describe('SendLifecycle', () => {
  it('removes managed paths from the very deletion array NapCat will queue, keeping the rest in order', async () => {
    const deps = fakeDeps();
    deps.managed.addStoreFile(media);
    deps.managed.addPlaced('/nt/Ori/m.png', { src: media.path, size: 1 });
    const life = new SendLifecycle(deps);
    const list = ['/tmp/a', '/nt/Ori/m.png', '/store/h.png', '/tmp/b'];
    let seen: string[] | undefined;
    await hooked(
      (o, s, a) => life.sendMsgWithOb11UniqueId(o, s, a),
      async (_peer, _els, files) => {
        seen = files as string[];
        return { id: 1 };
      },
    )({}, [], list);
    expect(seen).to.equal(list);
    expect(list).to.deep.equal(['/tmp/a', '/tmp/b']);
  });

  it('a createSendElements outside any action keeps its leases until the send that gets its list settles', async () => {
    const deps = fakeDeps();
    const life = new SendLifecycle(deps);
    let released = 0;
    const create = hooked(
      (o, s, a) => life.createSendElements(o, s, a),
      async () => {
        deps.scopes.hold({ release: () => released++ }, 'x');
        return { sendElements: [], deleteAfterSentFiles: [] };
      },
    );
    const result = (await create([], {})) as { sendElements: unknown[]; deleteAfterSentFiles: string[] };
    expect(released).to.equal(0);
    const send = hooked(
      (o, s, a) => life.sendMsgWithOb11UniqueId(o, s, a),
      async () => {
        throw new Error('发送消息失败');
      },
    );
    await (send({}, result.sendElements, result.deleteAfterSentFiles) as Promise<unknown>).catch(() => undefined);
    expect(released).to.equal(1);
    expect(deps.scopes.size).to.equal(0);
  });

  it('a converter that throws inside createSendElements releases at once', async () => {
    const deps = fakeDeps();
    const life = new SendLifecycle(deps);
    let released = 0;
    const create = hooked(
      (o, s, a) => life.createSendElements(o, s, a),
      async () => {
        deps.scopes.hold({ release: () => released++ }, 'x');
        throw new Error('未知的消息类型');
      },
    );
    await (create([], {}) as Promise<unknown>).then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.equal('未知的消息类型'),
    );
    expect(released).to.equal(1);
  });
});
