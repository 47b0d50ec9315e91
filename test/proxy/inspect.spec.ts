import { expect } from 'chai';
import json5 from 'json5';
import { echoOf, inspectBotFrame, withEcho } from '../../src/proxy/ws/inspect';

const image = { type: 'image', data: { file: 'base64://QUJD' } };

describe('proxy/ws inspect', () => {
  it('takes aside only media sends that carry media; everything else passes unparsed or as it is', () => {
    const send = inspectBotFrame(Buffer.from(JSON.stringify({ action: 'send_group_msg_async', params: { group_id: 1, message: [image] }, echo: 'e' })));
    expect(send).to.deep.include({ kind: 'send', action: 'send_group_msg_async', base: 'send_group_msg', echo: 'e', json: true });
    for (const frame of [
      JSON.stringify({ action: 'get_status', echo: 'e' }),
      JSON.stringify({ action: 'send_group_msg', params: { group_id: 1, message: 'text only' } }),
      JSON.stringify({ action: 'send_group_msg', params: 'not an object' }),
      JSON.stringify({ action: 'upload_group_file', params: { file: '' } }),
      '{broken send_group_msg',
      JSON.stringify({ post_type: 'message', raw_message: 'send_group_msg' }),
      // NapCat answers a quick operation before it converts or sends the reply, and never says
      // how the send went: there is no end to hold a lane until, nor an outcome to retry on
      // (docs/proxy.md, "Known limits").
      JSON.stringify({ action: '.handle_quick_operation', params: { context: { post_type: 'message', message_type: 'group', group_id: 1, user_id: 2, message_id: 3 }, operation: { reply: [image] } } }),
    ]) {
      expect(inspectBotFrame(Buffer.from(frame)), frame).to.deep.equal({ kind: 'pass' });
    }
    const j5 = inspectBotFrame(Buffer.from(`{action: 'send_msg', params: {message: [{type: 'image', data: {file: 'base64://QUJD'}}]},}`));
    expect(j5).to.deep.include({ kind: 'send', base: 'send_msg', json: false });
  });

  it('reads the echo of a frame it has to answer itself', () => {
    expect(echoOf(Buffer.from('{"action":"x","echo":{"n":1}}'))).to.deep.equal({ n: 1 });
    expect(echoOf(Buffer.from('{broken'))).to.equal(undefined);
  });

  it('appends the proxy\'s echo to the bot\'s bytes; JSON and json5 both read the last echo', () => {
    const original = Buffer.from(`${JSON.stringify({ action: 'send_msg', params: { message: [image] }, echo: 'bot' })} \n`);
    const sent = withEcho(original, 'proxy:1')!;
    expect(JSON.parse(sent.toString())).to.deep.equal({ action: 'send_msg', params: { message: [image] }, echo: 'proxy:1' });
    expect(json5.parse(sent.toString())).to.deep.include({ echo: 'proxy:1' });
    expect(sent.subarray(0, original.indexOf('}', original.length - 4)).equals(original.subarray(0, original.indexOf('}', original.length - 4)))).to.equal(true);
    expect(withEcho(Buffer.from('[1,2]'), 'x')).to.equal(undefined);
  });
});
