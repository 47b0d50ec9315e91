import { expect } from 'chai';
import { decodeCq } from '../../src/onebot/cq-code';
import { messageMediaSlots } from '../../src/onebot/media-slots';
import { sendActionOf, sendMediaSlots, uploadCopiesFile } from '../../src/onebot/send-actions';

describe('onebot/media-slots', () => {
  it('finds image, record, video and file segments in an array, and replaces the field NapCat reads', () => {
    const params = {
      message: [
        { type: 'text', data: { text: 'hi' } },
        { type: 'image', data: { file: 'base64://AAAA', url: 'https://x/y.png' } },
        { type: 'record', data: { file: 'file:///a.silk' } },
        { type: 'video', data: { path: '/v.mp4' } },
        { type: 'file', data: { file: 'base64://BBBB', name: 'b.bin' } },
        { type: 'face', data: { id: 1 } },
      ],
    };
    const slots = messageMediaSlots(params, 'message');
    expect(slots.map((s) => [s.use, s.uri])).to.deep.equal([
      ['image', 'https://x/y.png'],
      ['record', 'file:///a.silk'],
      ['video', '/v.mp4'],
      ['file', 'base64://BBBB'],
    ]);
    slots[0].replace('file:///store/1.png');
    expect(params.message[1].data).to.deep.equal({ file: 'base64://AAAA', url: 'file:///store/1.png' });
  });

  it('reads a single segment object', () => {
    const params: Record<string, unknown> = { message: { type: 'image', data: { file: 'base64://AAAA' } } };
    const [slot] = messageMediaSlots(params, 'message');
    slot.replace('file:///s.png');
    expect(params.message).to.deep.equal({ type: 'image', data: { file: 'file:///s.png' } });
  });

  it('rewrites a CQ string in place: only the value changes, escaped', () => {
    const params: Record<string, unknown> = { message: 'a&#44;b [CQ:image,file=base64://QUJD,summary=&#91;x&#93;] [CQ:face,id=1]' };
    const [slot] = messageMediaSlots(params, 'message');
    expect(slot.uri).to.equal('base64://QUJD');
    slot.replace('file:///tmp/a,b.png');
    expect(params.message).to.equal('a&#44;b [CQ:image,file=file:///tmp/a&#44;b.png,summary=&#91;x&#93;] [CQ:face,id=1]');
    expect(decodeCq(params.message as string)[1].data.file).to.equal('file:///tmp/a,b.png');
  });

  it('treats a string as plain text when auto_escape is set', () => {
    expect(messageMediaSlots({ message: '[CQ:image,file=base64://QUJD]' }, 'message', true)).to.deep.equal([]);
  });

  it('walks nested forward nodes (arrays, strings, single segments) and skips nodes that forward by id', () => {
    const params = {
      messages: [
        { type: 'node', data: { name: 'a', content: [{ type: 'image', data: { file: 'base64://AAAA' } }] } },
        { type: 'node', data: { id: '123', content: [{ type: 'image', data: { file: 'base64://SKIP' } }] } },
        {
          type: 'node',
          data: {
            content: [
              { type: 'node', data: { content: '[CQ:image,file=base64://BBBB]' } },
              { type: 'node', data: { content: { type: 'video', data: { file: 'base64://CCCC' } } } },
            ],
          },
        },
      ],
    };
    const slots = messageMediaSlots(params, 'messages');
    expect(slots.map((s) => s.uri)).to.deep.equal(['base64://AAAA', 'base64://BBBB', 'base64://CCCC']);
    slots[1].replace('file:///b.png');
    expect(params.messages[2].data.content).to.deep.include({ type: 'node', data: { content: '[CQ:image,file=file:///b.png]' } });
  });

  it('walks a node code inside a CQ string, re-escaping its content', () => {
    const params: Record<string, unknown> = { message: '[CQ:node,name=x,content=&#91;CQ:image&#44;file=base64://QUJD&#93;]' };
    const [slot] = messageMediaSlots(params, 'message');
    expect(slot.uri).to.equal('base64://QUJD');
    slot.replace('file:///s.png');
    expect(params.message).to.equal('[CQ:node,name=x,content=&#91;CQ:image&#44;file=file:///s.png&#93;]');
  });

  it('ignores segments without a usable reference and shapes that are not segments', () => {
    expect(messageMediaSlots({ message: [{ type: 'image', data: { file: '' } }, null, 3, { type: 'image' }] }, 'message')).to.deep.equal([]);
  });
});

describe('onebot/send-actions', () => {
  it('knows the media-sending actions and their _async/_rate_limited aliases', () => {
    expect(sendActionOf('send_group_msg')).to.equal('send_group_msg');
    expect(sendActionOf('send_private_forward_msg_async')).to.equal('send_private_forward_msg');
    expect(sendActionOf('upload_group_file_rate_limited')).to.equal('upload_group_file');
    for (const other of ['get_status', 'send_like', 'upload_file_stream', 'send_group_msg_x']) expect(sendActionOf(other), other).to.equal(undefined);
  });

  it('reads `messages` before `message` for forwards, as NapCat check() does', () => {
    const params = { messages: [{ type: 'node', data: { content: [{ type: 'image', data: { file: 'base64://AAAA' } }] } }], message: [{ type: 'image', data: { file: 'base64://ZZZZ' } }] };
    expect(sendMediaSlots('send_group_forward_msg', params).map((s) => s.uri)).to.deep.equal(['base64://AAAA']);
    expect(sendMediaSlots('send_group_msg', params).map((s) => s.uri)).to.deep.equal(['base64://ZZZZ']);
  });

  it('honours auto_escape as NapCat reads it ("true" or truthy)', () => {
    const message = '[CQ:image,file=base64://QUJD]';
    expect(sendMediaSlots('send_msg', { message, auto_escape: 'true' })).to.have.length(0);
    expect(sendMediaSlots('send_msg', { message, auto_escape: 'false' })).to.have.length(1);
    expect(sendMediaSlots('send_msg', { message, auto_escape: 1 })).to.have.length(0);
  });

  it('gives the file of upload_*_file, and whether it is copied (upload_file, default true)', () => {
    const params: Record<string, unknown> = { group_id: 1, file: 'base64://QUJD', name: 'a' };
    const [slot] = sendMediaSlots('upload_group_file', params);
    expect(slot.use).to.equal('upload');
    slot.replace('file:///x');
    expect(params.file).to.equal('file:///x');
    expect(uploadCopiesFile({})).to.equal(true);
    expect(uploadCopiesFile({ upload_file: 'false' })).to.equal(false);
    expect(uploadCopiesFile({ upload_file: false })).to.equal(false);
  });
});
