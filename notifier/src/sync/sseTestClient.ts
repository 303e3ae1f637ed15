import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: { eventID: string; cause: string; version: number; event: { myResponse: string } | null };
}

/** A device holding a Server-Sent Events connection to `/sync/stream` (tests), parsing what arrives. */
export function openStream(port: number, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  let response: IncomingMessage | undefined;
  let body = '';
  const ready = new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/sync/stream', headers }, (res) => {
      response = res;
      resolve(res.statusCode ?? 0);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
          const data = field('data');
          if (data !== undefined) events.push({ id: field('id'), event: field('event'), data: JSON.parse(data) });
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  return {
    events,
    ready,
    headers: () => response?.headers ?? {},
    body: () => body,
    close: () => response?.destroy(),
  };
}
