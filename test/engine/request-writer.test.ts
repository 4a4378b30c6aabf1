// The request writer on its own: the bytes of body-less and JSON requests, reuse of cached heads,
// non-ASCII paths and bodies, and which paths may stand in a request line.
import { describe, expect, it } from 'vitest';
import { isValidRequestPath, RequestWriter } from '../../src/engine/http1/request-writer.ts';

describe('RequestWriter', () => {
  const writer = new RequestWriter('127.0.0.1:8080');

  it('writes a body-less GET once and reuses the same bytes', () => {
    const first = writer.write('GET', '/api/schedules/7');
    expect(first.toString()).toBe('GET /api/schedules/7 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nconnection: keep-alive\r\n\r\n');
    expect(writer.write('GET', '/api/schedules/7')).toBe(first);
  });

  it('says content-length 0 for a body-less POST', () => {
    expect(writer.write('POST', '/x').toString()).toBe('POST /x HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n');
  });

  it('writes a JSON body with its byte length (UTF-8), and a latin1 path as one byte per character', () => {
    expect(writer.write('POST', '/api/reservations', { seatNo: 'A1', userId: 3 })).toBe(
      'POST /api/reservations HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nconnection: keep-alive\r\ncontent-type: application/json\r\ncontent-length: 26\r\n\r\n{"seatNo":"A1","userId":3}',
    );
    const bytes = writer.write('POST', '/sé', { name: 'é' }) as Buffer;
    expect(Buffer.isBuffer(bytes)).toBe(true);
    const text = bytes.toString('latin1');
    expect(text.startsWith('POST /s\u00e9 HTTP/1.1\r\n')).toBe(true);
    expect(text).toContain('content-length: 13\r\n');
    expect(bytes.subarray(bytes.length - 13).toString('utf8')).toBe('{"name":"é"}');
  });

  it('accepts origin-form paths of printable latin1 and *, nothing else', () => {
    expect(isValidRequestPath('/api/x?y=1')).toBe(true);
    expect(isValidRequestPath('*')).toBe(true);
    expect(isValidRequestPath('api/x')).toBe(false);
    expect(isValidRequestPath('/a b')).toBe(false);
    expect(isValidRequestPath('/\u0100')).toBe(false);
  });
});
