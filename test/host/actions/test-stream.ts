// test_download_stream (stream/TestDownloadStream.ts): a stream action. It answers one
// request with ten `stream-action` frames 100 ms apart, all carrying the request's echo,
// then the final response; `error: true` fails after the ten.
import { runtimeOf } from '../napcat/runtime';
import { OneBotAction, type Payload, type RequestToolkit } from './action';

interface StreamPacket {
  type: 'stream' | 'response';
  data_type: string;
  data: string;
}

export class TestDownloadStream extends OneBotAction<StreamPacket> {
  readonly actionName = 'test_download_stream';
  override readonly useStream = true;

  async _handle(payload: Payload, _adapter: string, _config: unknown, req: RequestToolkit): Promise<StreamPacket> {
    const clock = runtimeOf(this.core).clock;
    for (let i = 0; i < 10; i++) {
      await req.send({ type: 'stream', data: `Index-> ${i + 1}`, data_type: 'data_chunk' });
      await clock.sleep(100);
    }
    if (payload.error === true || payload.error === 'true') throw new Error('This is a test error');
    return { type: 'response', data_type: 'data_complete', data: 'Stream transmission complete' };
  }
}
