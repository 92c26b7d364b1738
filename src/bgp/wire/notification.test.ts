import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, MARKER, toHex } from './_fixtures.js';
import { emitMessage, parseMessage } from './message.js';
import { notification, notificationName, shutdownCommunication } from './notification.js';

const ctx = { asWidth: 4 } as const;

describe('NOTIFICATION', () => {
  test('hold timer expired round trips as 21 octets', () => {
    const bytes = hex(MARKER + '0015 03 04 00');
    const r = parseMessage(bytes, ctx);
    assert.deepEqual(r, { ok: true, value: { type: 'notification', code: 4, subcode: 0, data: new Uint8Array(0) } });
    assert.equal(toHex(emitMessage(notification(4, 0), ctx)), toHex(bytes));
  });

  test('Cease with an RFC 9003 shutdown communication', () => {
    const m = notification(6, 2, shutdownCommunication('bye'));
    const bytes = emitMessage(m, ctx);
    assert.equal(toHex(bytes), (MARKER + '0019 03 06 02 03 627965').replace(/\s/g, ''));
    assert.deepEqual(parseMessage(bytes, ctx), { ok: true, value: m });
  });

  test('names per RFC 4271 §4.5 and later RFCs', () => {
    const table: [number, number, string][] = [
      [1, 1, 'Message Header Error / Connection Not Synchronized (1/1)'],
      [1, 2, 'Message Header Error / Bad Message Length (1/2)'],
      [2, 6, 'OPEN Message Error / Unacceptable Hold Time (2/6)'],
      [3, 11, 'UPDATE Message Error / Malformed AS_PATH (3/11)'],
      [4, 0, 'Hold Timer Expired (4/0)'],
      [5, 1, 'Finite State Machine Error / Receive Unexpected Message in OpenSent State (5/1)'],
      [6, 2, 'Cease / Administrative Shutdown (6/2)'],
      [6, 42, 'Cease / subcode 42 (6/42)'],
      [9, 0, 'Unknown error code 9 (9/0)'],
    ];
    for (const [c, s, want] of table) assert.equal(notificationName(c, s), want);
  });
});
