import type { WebHandler, WebResponse, WebRouter } from '../../src/web';

export interface Registration {
  kind: 'auth' | 'noauth' | 'memory';
  path: string;
  handler?: WebHandler;
  files?: { path: string; content: string; contentType?: string }[];
}

/** Records every route registered, tagged by how NapCat would mount it. */
export function fakeRouter(features: { noAuth?: boolean; memory?: boolean } = {}) {
  const registrations: Registration[] = [];
  const router: WebRouter = {
    get: (path, handler) => {
      registrations.push({ kind: 'auth', path, handler });
    },
  };
  if (features.noAuth) {
    router.getNoAuth = (path, handler) => {
      registrations.push({ kind: 'noauth', path, handler });
    };
  }
  if (features.memory) {
    router.staticOnMem = (path, files) => {
      registrations.push({ kind: 'memory', path, files });
    };
  }
  return { router, registrations };
}

/** A response that records what the handler wrote. */
export function fakeResponse() {
  const written = { status: 200, headers: {} as Record<string, string>, json: undefined as unknown, sent: undefined as unknown };
  const res: WebResponse = {
    status(code) {
      written.status = code;
      return res;
    },
    json(data) {
      written.json = data;
    },
    send(data) {
      written.sent = data;
    },
    setHeader(name, value) {
      written.headers[name] = value;
    },
  };
  return { res, written };
}
