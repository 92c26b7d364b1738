// Cases mirror k8s.io/apimachinery/pkg/labels/selector_test.go (TestSelectorParse,
// TestSetSelectorParser, TestToString, TestSelectorMatches) and pkg/apis/meta/v1/helpers.go
// LabelSelectorAsSelector; expected messages were derived from selector.go's format strings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLabelSelector,
  fromLabelSelector,
  isEverything,
  labelSelectorToString,
  matchesLabels,
  parseLabelSelector,
  requiresExactMatch,
  selectorFromSet,
  type ParsedLabelSelector,
} from './index.js';

function parse(s: string): ParsedLabelSelector {
  const r = parseLabelSelector(s);
  if (!r.ok) throw new Error(`parse(${JSON.stringify(s)}): ${r.error.message}`);
  return r.value;
}

function parseError(s: string): string {
  const r = parseLabelSelector(s);
  assert.equal(r.ok, false, `expected ${JSON.stringify(s)} to be rejected`);
  return r.ok ? '' : r.error.message;
}

const KEY_NAME_REGEX_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector round trip (TestSelectorParse: String() equals input without spaces)', () => {
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    test(JSON.stringify(s), () => assert.equal(labelSelectorToString(parse(s)), s.replace(/ /g, '')));
  }
});

describe('parseLabelSelector canonical form (TestSetSelectorParser / TestToString)', () => {
  const cases: [string, string][] = [
    ['\rx', 'x'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in (abc,abc)', 'x in (abc)'],
    ['x in ()', 'x in ()'],
    ['x in (a,,a,,a,,a,,)', 'x in (,a)'],
    ['x notin (abc,,def),bar,z in (),w', 'bar,w,x notin (,abc,def),z in ()'],
    ['x,y in (a)', 'x,y in (a)'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['in in (in)', 'in in (in)'],
    ['notin=in', 'notin=in'],
    ['x==a', 'x==a'],
    ['z=a,a=z', 'a=z,z=a'],
    ['a ', 'a'],
    ['x notin (, a)', 'x notin (,a)'],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.equal(labelSelectorToString(parse(input)), want));
});

describe('parseLabelSelector errors (selector.go messages)', () => {
  const cases: [string, string][] = [
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    [',x,y', "found ',', expected: !, identifier, or 'end of string'"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    ['x nott in (y)', "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"],
    ['a (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['a_=b', `unable to parse requirement: <nil>: Invalid value: "a_": ${KEY_NAME_REGEX_MSG}`],
    ['app=-x', `unable to parse requirement: values[0][app]: Invalid value: "-x": ${VALUE_REGEX_MSG}`],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    [
      'x>-1',
      // "-1" is an integer but not a valid label value, so upstream rejects it too.
      `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_REGEX_MSG}`,
    ],
    [
      'x in (-a,b_)',
      `unable to parse requirement: [values[0][x]: Invalid value: "-a": ${VALUE_REGEX_MSG}, values[1][x]: Invalid value: "b_": ${VALUE_REGEX_MSG}]`,
    ],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_REGEX_MSG}`],
    ['/a', `unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty`],
    [
      'Ex.com/a',
      'unable to parse requirement: <nil>: Invalid value: "Ex.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ],
    [
      'a/b/c',
      "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
    ['a=' + 'v'.repeat(64), `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`],
    ['k'.repeat(64), `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`],
  ];
  for (const [input, want] of cases) test(JSON.stringify(input), () => assert.equal(parseError(input), want));

  test('syntax errors and validation errors are told apart', () => {
    const a = parseLabelSelector('a (');
    const b = parseLabelSelector('a=-b');
    assert.ok(!a.ok && a.error.reason === 'syntax');
    assert.ok(!b.ok && b.error.reason === 'invalid');
  });
});

describe('matchesLabels (TestSelectorMatches)', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['x>1', { x: 'abc' }, false],
    ['x>1', {}, false],
    ['x notin (a)', {}, true],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', {}, false],
    ['x=', { x: '' }, true],
    ['x in ()', { x: '' }, true],
    ['run=nsxtestapp', { 'pod-template-hash': '5bfcc97b5', run: 'nsxtestapp' }, true],
  ];
  for (const [sel, labels, want] of cases) test(`${JSON.stringify(sel)} vs ${JSON.stringify(labels)}`, () => assert.equal(matchesLabels(parse(sel), labels), want));

  test('undefined labels behave like an empty set', () => {
    assert.equal(matchesLabels(parse('!a'), undefined), true);
    assert.equal(matchesLabels(parse('a'), undefined), false);
  });
  test('inherited object keys are not labels', () => assert.equal(matchesLabels(parse('toString'), {}), false));
});

describe('fromLabelSelector (LabelSelectorAsSelector)', () => {
  test('nil selects nothing, {} selects everything', () => {
    for (const nil of [null, undefined]) {
      const r = fromLabelSelector(nil);
      assert.ok(r.ok);
      assert.equal(matchesLabels(r.value, { a: 'b' }), false);
      assert.equal(matchesLabels(r.value, {}), false);
      assert.equal(isEverything(r.value), false);
      assert.equal(labelSelectorToString(r.value), '');
    }
    const e = fromLabelSelector({});
    assert.ok(e.ok);
    assert.equal(matchesLabels(e.value, {}), true);
    assert.equal(isEverything(e.value), true);
    const e2 = fromLabelSelector({ matchLabels: {}, matchExpressions: [] });
    assert.ok(e2.ok && isEverything(e2.value));
  });

  test('matchLabels and matchExpressions are ANDed and printed sorted by key', () => {
    const r = fromLabelSelector({
      matchLabels: { tier: 'web', app: 'nsxdemo' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
        { key: 'track', operator: 'NotIn', values: ['beta'] },
      ],
    });
    assert.ok(r.ok);
    assert.equal(labelSelectorToString(r.value), 'app=nsxdemo,!canary,env in (dev,prod),tier=web,track notin (beta),zone');
    assert.equal(matchesLabels(r.value, { app: 'nsxdemo', tier: 'web', env: 'prod', zone: 'a' }), true);
    assert.equal(matchesLabels(r.value, { app: 'nsxdemo', tier: 'web', env: 'prod', zone: 'a', canary: '' }), false);
    assert.equal(matchesLabels(r.value, { app: 'nsxdemo', tier: 'web', env: 'qa', zone: 'a' }), false);
    assert.equal(matchesLabels(r.value, { app: 'nsxdemo', tier: 'web', env: 'prod', zone: 'a', track: 'beta' }), false);
  });

  const bad: [Parameters<typeof fromLabelSelector>[0], string][] = [
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'],
    [
      { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['<x>'] }] },
      // Values are validated whatever the operator, so both problems are reported (aggregated).
      `[values: Invalid value: ["\\u003cx\\u003e"]: values set must be empty for exists and does not exist, values[0][a]: Invalid value: "<x>": ${VALUE_REGEX_MSG}]`,
    ],
    [{ matchExpressions: [{ key: 'a', operator: 'Equals' as never, values: ['x'] }] }, '"Equals" is not a valid label selector operator'],
    [{ matchLabels: { 'a b': 'x' } }, `key: Invalid value: "a b": ${KEY_NAME_REGEX_MSG}`],
    [{ matchLabels: { a: 'x y' } }, `values[0][a]: Invalid value: "x y": ${VALUE_REGEX_MSG}`],
  ];
  for (const [ps, want] of bad) {
    test(`rejects ${JSON.stringify(ps)}`, () => {
      const r = fromLabelSelector(ps);
      assert.ok(!r.ok);
      assert.equal(r.error.message, want);
      assert.equal(r.error.reason, 'invalid');
    });
  }

  test('formatLabelSelector shows <none> for empty and nil, <error> for invalid', () => {
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector({ matchLabels: { run: 'nsxtestapp' } }), 'run=nsxtestapp');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), '<error>');
  });
});

describe('helpers', () => {
  test('selectorFromSet: equality on every pair, empty is everything', () => {
    assert.equal(labelSelectorToString(selectorFromSet({ tier: 'web', app: 'x' })), 'app=x,tier=web');
    assert.equal(isEverything(selectorFromSet({})), true);
    assert.equal(isEverything(selectorFromSet(undefined)), true);
    assert.equal(matchesLabels(selectorFromSet({ app: 'x' }), { app: 'x', other: 'y' }), true);
  });
  test('requiresExactMatch', () => {
    assert.equal(requiresExactMatch(parse('a=b,c in (d),e in (f,g),h!=i'), 'a'), 'b');
    assert.equal(requiresExactMatch(parse('a=b,c in (d)'), 'c'), 'd');
    assert.equal(requiresExactMatch(parse('e in (f,g)'), 'e'), undefined);
    assert.equal(requiresExactMatch(parse('h!=i'), 'h'), undefined);
    assert.equal(requiresExactMatch(parse('h!=i'), 'zz'), undefined);
  });
});
