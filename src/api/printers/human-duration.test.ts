// Expected strings: k8s.io/apimachinery/pkg/util/duration/duration_test.go (TestHumanDuration,
// TestHumanDurationBoundaries) plus the AGE values in the reference article's kubectl output.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseTimestamp, translateTimestampSince } from './index.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  const cases: [number, string][] = [
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * D, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
    // boundaries
    [-2 * S, '<invalid>'],
    [-2 * S + 1, '0s'],
    [0, '0s'],
    [S - 1, '0s'],
    [2 * M - 1, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [10 * M - 1, '9m59s'],
    [10 * M, '10m'],
    [10 * M + S, '10m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [3 * H + M, '3h1m'],
    [8 * H - 1, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 59 * M, '8h'],
    [2 * D - 1, '47h'],
    [2 * D, '2d'],
    [2 * D + H, '2d1h'],
    [8 * D - 1, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 23 * H, '8d'],
    [2 * 365 * D - 1, '729d'],
    [2 * 365 * D, '2y'],
    [2 * 365 * D + 23 * H + 59 * M, '2y'],
    [2 * 365 * D + D - 1, '2y'],
    [2 * 365 * D + D, '2y1d'],
    [3 * 365 * D, '3y'],
    [8 * 365 * D - 1, '7y364d'],
    [8 * 365 * D, '8y'],
    [8 * 365 * D + 364 * D, '8y'],
    [9 * 365 * D, '9y'],
    // the article's AGE column values
    [45 * S, '45s'],
    [78 * S, '78s'],
    [5 * M + 11 * S, '5m11s'],
    [12 * M, '12m'],
    [100 * M, '100m'],
    [109 * M, '109m'],
    [6 * H + 37 * M, '6h37m'],
    [10 * H, '10h'],
    [21 * D, '21d'],
    [135 * D, '135d'],
    [156 * D, '156d'],
    [Number.NaN, '<invalid>'],
  ];
  for (const [ms, want] of cases) test(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('timestamps', () => {
  const now = Date.parse('2019-11-12T12:00:00Z');
  test('age since an RFC 3339 timestamp', () => assert.equal(translateTimestampSince('2019-11-12T11:58:42Z', now), '78s'));
  test('microsecond timestamps parse', () => assert.equal(translateTimestampSince('2019-11-12T11:59:15.123456Z', now), '44s'));
  test('absent, null, empty and Go zero time are <unknown>', () => {
    for (const ts of [undefined, null, '', '0001-01-01T00:00:00Z', 'not a time']) assert.equal(translateTimestampSince(ts, now), '<unknown>');
    assert.equal(parseTimestamp('0001-01-01T00:00:00Z'), undefined);
  });
  test('future beyond the skew tolerance is <invalid>', () => assert.equal(translateTimestampSince('2019-11-12T12:00:05Z', now), '<invalid>'));
});
