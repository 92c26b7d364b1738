// Formatting rules of field.Error (k8s.io/apimachinery v0.32.0 pkg/util/validation/field/errors.go
// and path.go) and the Invalid Status of pkg/api/errors NewInvalid.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  duplicate,
  errorBody,
  forbidden,
  formatFieldError,
  invalid,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
} from './field-error.js';
import { goIntOrString, goQuote, goStringMap, goStringSlice } from './go-value.js';
import { fieldPath } from './path.js';
import { invalidStatus } from './status.js';

describe('field error text', () => {
  const p = fieldPath('spec', 'ports').index(0).child('port');
  const cases: Array<[string, string, string]> = [
    ['ints print bare', formatFieldError(invalid(p, 0, 'must be between 1 and 65535, inclusive')), 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    ['strings print quoted', formatFieldError(invalid(fieldPath('spec', 'type'), 'Foo', 'x')), 'spec.type: Invalid value: "Foo": x'],
    ['bools print bare', formatFieldError(invalid(fieldPath('a'), true, 'x')), 'a: Invalid value: true: x'],
    ['nil prints as the string "null"', formatFieldError(invalid(fieldPath('a'), null, 'x')), 'a: Invalid value: "null": x'],
    ['Required omits the value', formatFieldError(required(fieldPath('metadata', 'name'), 'name or generateName is required')), 'metadata.name: Required value: name or generateName is required'],
    ['Required without detail', formatFieldError(required(fieldPath('spec', 'ports'))), 'spec.ports: Required value'],
    ['Forbidden omits the value', formatFieldError(forbidden(fieldPath('spec', 'x'), 'nope')), 'spec.x: Forbidden: nope'],
    ['Duplicate has no detail', formatFieldError(duplicate(fieldPath('spec', 'ports').index(1).child('name'), 'http')), 'spec.ports[1].name: Duplicate value: "http"'],
    ['NotFound', formatFieldError(notFound(fieldPath('v'), 'data')), 'v: Not found: "data"'],
    ['NotSupported lists quoted values', formatFieldError(notSupported(fieldPath('spec', 'type'), 'Foo', ['ClusterIP', 'NodePort'])), 'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "NodePort"'],
    ['TooLong', formatFieldError(tooLong(fieldPath('metadata', 'annotations'), 262144)), 'metadata.annotations: Too long: may not be more than 262144 bytes'],
    ['TooMany with count', formatFieldError(tooMany(fieldPath('endpoints'), 1001, 1000)), 'endpoints: Too many: 1001: must have at most 1000 items'],
    ['TooMany without count', formatFieldError(tooMany(fieldPath('endpoints'), -1, 1000)), 'endpoints: Too many: must have at most 1000 items'],
    ['map keys in brackets, unquoted', formatFieldError(invalid(fieldPath('data').key('a b'), 'a b', 'x')), 'data[a b]: Invalid value: "a b": x'],
    ['empty root prints []', formatFieldError(tooLong(fieldPath(''), 1048576)), '[]: Too long: may not be more than 1048576 bytes'],
  ];
  for (const [name, got, want] of cases) test(name, () => assert.equal(got, want));
  test('body is the message without the field', () => assert.equal(errorBody(invalid(p, 0, 'x')), 'Invalid value: 0: x'));
});

describe('Go %#v / %q rendering', () => {
  test('strconv.Quote escapes', () => assert.equal(goQuote('a"b\\c\n\t\x00\x7f\u00a0é'), '"a\\"b\\\\c\\n\\t\\x00\\x7f\\u00a0é"'));
  test('map with sorted keys', () => assert.equal(goStringMap({ b: '2', a: '1' }).goLiteral, 'map[string]string{"a":"1", "b":"2"}'));
  test('nil and empty maps differ', () => {
    assert.equal(goStringMap(undefined).goLiteral, 'map[string]string(nil)');
    assert.equal(goStringMap({}).goLiteral, 'map[string]string{}');
  });
  test('string slices', () => {
    assert.equal(goStringSlice(['10.0.0.1', 'fd00::1']).goLiteral, '[]string{"10.0.0.1", "fd00::1"}');
    assert.equal(goStringSlice(['IPv4'], 'core.IPFamily').goLiteral, '[]core.IPFamily{"IPv4"}');
  });
  test('IntOrString', () => {
    assert.equal(goIntOrString(80).goLiteral, 'intstr.IntOrString{Type:0, IntVal:80, StrVal:""}');
    assert.equal(goIntOrString('http').goLiteral, 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"http"}');
  });
});

describe('Invalid status', () => {
  const errs = [required(fieldPath('spec', 'selector')), invalid(fieldPath('spec', 'replicas'), -1, 'must be greater than or equal to 0')];
  const s = invalidStatus('apps', 'Deployment', 'nsxdemoapp', errs);
  test('message aggregates in brackets', () =>
    assert.equal(s.message, 'Deployment.apps "nsxdemoapp" is invalid: [spec.selector: Required value, spec.replicas: Invalid value: -1: must be greater than or equal to 0]'));
  test('causes carry type, body and field', () =>
    assert.deepEqual(s.details?.causes, [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' },
    ]));
  test('code, reason, group', () => {
    assert.equal(s.code, 422);
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.details?.group, 'apps');
    assert.equal(invalidStatus('', 'Service', 'x', errs).details?.group, undefined);
  });
  test('duplicate messages collapse', () =>
    assert.equal(invalidStatus('', 'Service', 'x', [errs[0]!, errs[0]!]).message, 'Service "x" is invalid: spec.selector: Required value'));
});
