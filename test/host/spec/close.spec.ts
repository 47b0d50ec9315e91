// close() leaves nothing behind: no timers, sockets or threads, no temp dirs it made;
// hosts sharing one MediaServer share 秒传 knowledge and one temp folder.
import fs from 'node:fs';
import { expect } from 'chai';
import { createHost, MediaServer } from '..';
import { imageMessage, pngUri } from './helpers';

function resources(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'FSReqCallback');
}

describe('host model: lifecycle', function () {
  this.timeout(20000);

  it('close() with sends and deletion timers pending leaves no handles and removes its dirs', async () => {
    await new Promise((r) => setTimeout(r, 50));
    const before = resources().sort();
    const host = await createHost({ timeScale: 0.01 });
    await host.front.start();
    await host.webui.start();
    await host.call('send_group_msg', { group_id: 1, message: imageMessage(pngUri(61, 20_000)) });
    expect(host.pendingDeletions()).to.have.length(2);
    await host.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(resources().sort()).to.deep.equal(before);
    expect(fs.existsSync(host.paths.root)).to.equal(false);
    expect(fs.existsSync(host.paths.qqDataRoot)).to.equal(false);
  });

  it('two accounts on one machine: shared temp folder, separate nt_qq_<uin> trees, shared server memory', async () => {
    const server = new MediaServer();
    const a = await createHost({ timeScale: 0.01, uin: '111', server });
    const b = await createHost({ timeScale: 0.01, uin: '222', server, root: a.paths.root, qqDataRoot: a.paths.qqDataRoot });
    try {
      expect(b.paths.tempPath).to.equal(a.paths.tempPath);
      expect(b.paths.ntData).to.not.equal(a.paths.ntData);
      await a.call('send_group_msg', { group_id: 1, message: imageMessage(pngUri(62, 20_000)) });
      await b.call('send_group_msg', { group_id: 1, message: imageMessage(pngUri(62, 20_000)) });
      expect(a.counters.uploadsTransferred).to.equal(1);
      expect(b.counters.instantUploads).to.equal(1);
      expect(await server.list()).to.have.length(1);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
