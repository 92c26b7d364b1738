import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WireError, WireReader } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function thrown(fn: () => unknown): WireError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WireError) return e;
    throw e;
  }
  assert.fail('expected a WireError');
}

describe('varint encoding matches the protobuf spec', () => {
  const int32Cases: Array<[number, string]> = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2147483647, 'ffffffff07'],
    // Negative int32 is sign-extended to 64 bits: always 10 bytes.
    [-1, 'ffffffffffffffffff01'],
    [-2147483648, '80808080f8ffffffff01'],
  ];
  for (const [v, h] of int32Cases) {
    test(`int32 ${v} <-> ${h}`, () => {
      const w = new WireWriter();
      w.writeInt32(v);
      assert.equal(hex(w.finish()), h);
      const r = new WireReader(bytes(h));
      assert.equal(r.readInt32(), v);
      assert.ok(r.done);
    });
  }

  const int64Cases: Array<[number, string]> = [
    [0, '00'],
    [4294967296, '8080808010'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
    [-1, 'ffffffffffffffffff01'],
    [-4294967296, '80808080f0ffffffff01'],
    [-Number.MAX_SAFE_INTEGER, '81808080808080f0ff01'],
    // 2019-10-11T12:45:01Z, the article's creationTimestamp.
    [1570797901, 'cdf281ed05'],
  ];
  for (const [v, h] of int64Cases) {
    test(`int64 ${v} <-> ${h}`, () => {
      const w = new WireWriter();
      w.writeInt64(v);
      assert.equal(hex(w.finish()), h);
      assert.equal(new WireReader(bytes(h)).readInt64(), v);
    });
  }

  test('int64 outside the safe integer range is rejected, not rounded', () => {
    const e = thrown(() => new WireReader(bytes('ffffffffffffffff7f')).readInt64());
    assert.equal(e.code, 'invalid-value');
  });

  test('int32 takes the low 32 bits of a wider varint, as Go does', () => {
    assert.equal(new WireReader(bytes('8080808010')).readInt32(), 0);
  });

  test('bool is any non-zero varint', () => {
    assert.equal(new WireReader(bytes('00')).readBool(), false);
    assert.equal(new WireReader(bytes('01')).readBool(), true);
    assert.equal(new WireReader(bytes('8080808010')).readBool(), true);
  });
});

describe('malformed input', () => {
  test('a varint longer than 10 bytes is malformed', () => {
    const e = thrown(() => new WireReader(bytes('ffffffffffffffffffff01')).readVarint());
    assert.equal(e.code, 'malformed-varint');
    assert.equal(e.offset, 0);
  });

  test('a 10th varint byte above 1 overflows 64 bits', () => {
    assert.equal(thrown(() => new WireReader(bytes('ffffffffffffffffff02')).readVarint()).code, 'malformed-varint');
  });

  test('a varint cut short is truncated', () => {
    assert.equal(thrown(() => new WireReader(bytes('ff')).readVarint()).code, 'truncated');
  });

  test('a length prefix past the end is truncated', () => {
    const r = new WireReader(bytes('0a05616263'));
    assert.equal(r.readTag(), 1);
    assert.equal(thrown(() => r.readBytes()).code, 'truncated');
  });

  test('a length that does not fit in 32 bits is malformed', () => {
    assert.equal(thrown(() => new WireReader(bytes('8080808080808080800100')).readUint32()).code, 'malformed-varint');
  });

  test('a reader limited to a sub-range cannot read past its end', () => {
    const buf = bytes('0a0361626300');
    const r = new WireReader(buf, 0, 3);
    r.readTag();
    assert.equal(thrown(() => r.readString()).code, 'truncated');
  });

  test('field number 0 is invalid', () => {
    assert.equal(thrown(() => new WireReader(bytes('0201')).readTag()).code, 'invalid-value');
  });

  test('groups are refused when skipping', () => {
    const r = new WireReader(bytes('0b'));
    r.readTag();
    assert.equal(thrown(() => r.skip(r.wireType)).code, 'unsupported-wire-type');
  });
});

describe('skip', () => {
  test('skips every supported wire type and lands on the next tag', () => {
    // field 1 varint, field 2 fixed64, field 3 bytes, field 4 fixed32, then field 5 varint 7.
    const r = new WireReader(bytes('08ac02 110102030405060708 1a026869 2501020304 2807'));
    for (let i = 0; i < 4; i++) {
      r.readTag();
      r.skip(r.wireType);
    }
    assert.equal(r.readTag(), 5);
    assert.equal(r.readInt32(), 7);
    assert.ok(r.done);
  });

  test('a truncated fixed32 is reported', () => {
    const r = new WireReader(bytes('250102'));
    r.readTag();
    assert.equal(thrown(() => r.skip(r.wireType)).code, 'truncated');
  });
});

test('strings round trip as UTF-8, short and long', () => {
  for (const s of ['', 'demons', 'café', 'x'.repeat(100), '日本語-ラベル', '😀']) {
    const w = new WireWriter();
    w.writeStringField(1, s);
    const r = new WireReader(w.finish());
    assert.equal(r.readTag(), 1);
    assert.equal(r.readString(), s);
  }
});

test('the writer grows past its initial capacity', () => {
  const w = new WireWriter();
  const big = new Uint8Array(1000).fill(7);
  w.writeBytesField(2, big);
  const out = w.finish();
  assert.equal(out.length, 1 + 2 + 1000);
  assert.equal(hex(out.subarray(0, 3)), '12e807');
});
