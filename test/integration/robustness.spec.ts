import { expect } from 'chai';
import { createHook } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { MediaServer, createHost, makeMp4, makePng, type Host } from '../host';
import { isWrapped } from '../../src/napcat/method-patches';
import { PLUGIN_ID, burst, failed, hostWithPlugin, imageSegment, pluginStats } from './support';
import { emptyBase64 } from '../../src/errors/catalog';

const HOOKED: Array<[string[], string]> = [
  [['oneBot', 'apis', 'MsgApi'], 'handleOb11FileLikeMessage'],
  [['oneBot', 'apis', 'MsgApi'], 'createSendElements'],
  [['oneBot', 'apis', 'MsgApi'], 'sendMsgWithOb11UniqueId'],
  [['oneBot', 'apis', 'FileApi'], 'createValidSendVideoElement'],
  [['core', 'apis', 'FileApi'], 'uploadFile'],
  [['core', 'apis', 'FileApi'], 'copyFile'],
  [['core', 'apis', 'MsgApi'], 'sendMsg'],
];

function ownWrappers(host: Host): number {
  let n = 0;
  for (const [keys, method] of HOOKED) {
    const owner = keys.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], host) as object;
    if (Object.hasOwn(owner, method) && isWrapped((owner as Record<string, unknown>)[method])) n++;
  }
  const action = host.actions.get('send_group_msg') as object;
  if (Object.hasOwn(action, '_handle')) n++;
  return n;
}

function storeFiles(host: Host): string[] {
  const dir = path.join(host.pluginManager.getPluginDataPath(PLUGIN_ID), 'cache');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
}

describe('integration: bad input, a broken store, reloads', function () {
  this.timeout(120_000);
  const hosts: Host[] = [];
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });

  it('bad input gets NapCat’s error or a clearer one, and never a store entry', async () => {
    const host = await hostWithPlugin({ timeScale: 0.25 }, { maxPayloadBytes: 4096 });
    hosts.push(host);
    const send = (data: Record<string, unknown>, type = 'image') =>
      host.call('send_group_msg', { group_id: 1, message: [{ type, data }] });
    const invalid = await send({ file: 'base64://@@@' }); // decodes to nothing, in NapCat too
    const empty = await send({ file: 'base64://' });
    const notBase64 = await send({ file: 'data:image/png,%89PNG' });
    const big = makePng({ bytes: 20_000, seed: 9 });
    const tooLarge = await send({ file: `base64://${big.toString('base64')}` });
    const named = await send({ file: `base64://${makePng({ bytes: 2000, seed: 4 }).toString('base64')}`, name: '../../evil/x.png' }, 'file');
    expect(invalid.status).to.equal('failed');
    expect(invalid.message).to.equal(emptyBase64({ characters: 3 }));
    expect(empty.status).to.equal('failed');
    expect(notBase64.status, 'data: without ;base64 is NapCat’s to judge').to.equal(
      (await (async () => {
        const bare = await createHost({ timeScale: 0.25 });
        hosts.push(bare);
        return (await bare.call('send_group_msg', { group_id: 1, message: [{ type: 'image', data: { file: 'data:image/png,%89PNG' } }] })).status;
      })()),
    );
    expect(tooLarge.status, 'over maxPayloadBytes goes down NapCat’s own path').to.equal('ok');
    expect(named.status).to.equal('ok');
    const stats = await pluginStats(host);
    expect(stats.store.misses, 'only the valid small file was stored').to.equal(1);
    expect(storeFiles(host).filter((f) => !f.endsWith('.json') && /\.png$/.test(f))).to.have.length(1);
    expect(fs.existsSync(path.join(host.paths.root, 'evil'))).to.equal(false);
  });

  it('an unwritable store loses no message: NapCat’s path is taken, and the plugin recovers', async () => {
    const host = await hostWithPlugin({ timeScale: 0.25 });
    hosts.push(host);
    const cache = path.join(host.pluginManager.getPluginDataPath(PLUGIN_ID), 'cache');
    // Root ignores permission bits, so make the store's folder a file instead: every write fails.
    fs.rmSync(cache, { recursive: true, force: true });
    fs.writeFileSync(cache, 'not a folder');
    const during = await burst(host, 20, (i) => [imageSegment(makePng({ bytes: 50_000, seed: 100 + i }))], 200);
    expect(failed(during).map((r) => r.message)).to.deep.equal([]);
    const stats = await pluginStats(host);
    expect(Object.keys(stats.fallbacks).join(',')).to.match(/base64:IO/);
    const lines = host.logs.filter((l) => l.text.includes('falls back to NapCat'));
    if (lines.length !== 1) console.log(host.logs.filter((l) => l.level !== 'debug').map((l) => l.text.slice(0, 300)).join('\n'));
    expect(lines.length, 'a burst of one fault is logged once').to.equal(1);

    fs.rmSync(cache);
    await host.pluginManager.reloadPlugin(PLUGIN_ID); // the store opens again
    const after = await burst(host, 20, () => [imageSegment(makePng({ bytes: 50_000, seed: 7 }))], 200);
    expect(failed(after)).to.deep.equal([]);
    expect((await pluginStats(host)).store.misses).to.equal(1);
  });

  it('100 init/cleanup cycles leave no stacked wrapper, timer, lease or extra listener', async () => {
    const host = await hostWithPlugin({ timeScale: 0.25 });
    hosts.push(host);
    await burst(host, 5, () => [imageSegment(makePng({ bytes: 20_000, seed: 1 }))], 0);
    const listeners = () => process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0);
    // Live timers created by the plugin bundle, unref'd ones included (getActiveResourcesInfo omits those).
    const live = new Set<number>();
    const hook = createHook({
      init: (id, type) => {
        // The first frame outside Node and this hook is the code that made the timer.
        const maker = (new Error().stack ?? '').split('\n').slice(2).find((l) => !l.includes('node:'));
        if (type === 'Timeout' && maker && /napcat-plugin-media-cache[\\/]index\.mjs/.test(maker)) live.add(id);
      },
      destroy: (id) => void live.delete(id),
    }).enable();
    const timers = async () => {
      await new Promise((r) => setTimeout(r, 50)); // let cleared timers be destroyed
      return live.size;
    };
    await host.pluginManager.reloadPlugin(PLUGIN_ID);
    const baseline = { listeners: listeners(), timers: await timers() };
    for (let i = 0; i < 100; i++) await host.pluginManager.reloadPlugin(PLUGIN_ID);
    expect(ownWrappers(host)).to.equal(HOOKED.length + 1);
    expect(listeners()).to.equal(baseline.listeners);
    expect(await timers()).to.be.at.most(baseline.timers);
    const r = await host.call('send_group_msg', { group_id: 9, message: [imageSegment(makePng({ bytes: 20_000, seed: 2 }))] });
    expect(r.status).to.equal('ok');
    expect((await pluginStats(host)).leasesHeld).to.equal(0);
    await host.pluginManager.setPluginStatus(PLUGIN_ID, false);
    expect(ownWrappers(host), 'cleanup restores every original').to.equal(0);
    expect(baseline.timers, 'the plugin runs its backstop and store timers').to.be.at.least(2);
    const left = await timers();
    expect(left, 'no timer of the plugin is left').to.equal(0);
    hook.disable();
  });

  it('a temp chat (private to a non-friend through a group) whose first attempt fails is retried through its group and delivered', async () => {
    const peerOf = () => ({ chatType: 100, peerUid: 'u_4242', guildId: '765432' });
    const sendTemp = async (host: Host) => {
      host.kernel.msgService.injectTransferFailures(1);
      const msgApi = host.oneBot.apis.MsgApi;
      const peer = peerOf();
      const { sendElements, deleteAfterSentFiles } = await msgApi.createSendElements([imageSegment(makePng({ bytes: 20_000, seed: 3 }))] as never, peer);
      return msgApi.sendMsgWithOb11UniqueId(peer, sendElements, deleteAfterSentFiles).then(
        () => 'ok',
        (error: Error) => error.message,
      );
    };
    const bare = await createHost({ timeScale: 0.25 });
    const host = await hostWithPlugin({ timeScale: 0.25 }, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } });
    hosts.push(bare, host);
    expect(await sendTemp(bare), 'NapCat alone: the failure is answered').to.match(/rich media transfer failed/);
    expect(await sendTemp(host)).to.equal('ok');
    expect(host.kernel.msgService.tempChats, 'each attempt opened the chat through the group').to.deep.equal([
      { peerUid: 'u_4242', fromGroupCode: '765432' },
      { peerUid: 'u_4242', fromGroupCode: '765432' },
    ]);
  });

  it('a video’s custom thumbnail the size of NapCat’s default one is the thumbnail sent', async () => {
    // NapCat writes its default thumbnail to Thumb/<md5>_0.png, then copies the custom one over it.
    const custom = makePng({ width: 64, height: 36, bytes: 1, seed: 78 });
    const standIn = makePng({ width: 64, height: 36, bytes: 1, seed: 77 });
    expect(custom.length, 'same size as the default thumbnail').to.equal(standIn.length);
    const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
    const video = { type: 'video', data: { file: `base64://${makeMp4({ bytes: 300_000, seed: 5 }).toString('base64')}`, thumb: `base64://${custom.toString('base64')}` } };
    const bareServer = new MediaServer();
    const server = new MediaServer();
    const bare = await createHost({ timeScale: 0.25, server: bareServer });
    const host = await hostWithPlugin({ timeScale: 0.25, server });
    hosts.push(bare, host);
    for (const h of [bare, host]) expect((await h.call('send_group_msg', { group_id: 3, message: [video] })).status).to.equal('ok');
    expect(await bareServer.list(), 'NapCat alone sends the custom thumbnail').to.include(md5(custom));
    expect(await server.list()).to.include(md5(custom));
    expect(await server.list()).to.not.include(md5(standIn));
  });

  it('transparency: the same requests give equal responses with and without the plugin (ids aside)', async () => {
    const bare = await createHost({ timeScale: 0.25 });
    const host = await hostWithPlugin({ timeScale: 0.25 });
    hosts.push(bare, host);
    const png = makePng({ bytes: 30_000, seed: 11 });
    const requests: Array<[string, Record<string, unknown>]> = [
      ['send_group_msg', { group_id: 5, message: [imageSegment(png)] }],
      ['send_private_msg', { user_id: 6, message: [imageSegment(png), { type: 'text', data: { text: 'hi' } }] }],
      ['send_msg', { message_type: 'group', group_id: 7, message: `[CQ:image,file=base64://${png.toString('base64')}]` }],
      ['send_group_msg', { group_id: 5, message: [{ type: 'nonsense', data: {} }] }],
      ['send_group_msg', { group_id: 5, message: [{ type: 'image', data: { file: 'file:///nope/missing.png' } }] }],
    ];
    const strip = (r: Record<string, unknown>) => JSON.stringify({ ...r, data: r.data && typeof r.data === 'object' ? Object.keys(r.data as object) : r.data });
    for (const [action, params] of requests) {
      const a = await bare.call(action, params);
      const b = await host.call(action, params);
      expect(strip(b as never), `${action} ${JSON.stringify(params).slice(0, 60)}`).to.equal(strip(a as never));
    }
  });
});
