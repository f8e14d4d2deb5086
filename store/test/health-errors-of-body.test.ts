import { describe, expect, it } from 'vitest';
import { errorsOfBody } from '../src/health/health-input.reads';

describe('errorsOfBody', () => {
  it('reads the envelope\'s last key without parsing the data before it', () => {
    const body = JSON.stringify({ id: 'x', data: { note: 'errors: not this one', nested: { errors: ['nor this'] } }, errors: [{ collector: 'acl_users', message: 'NOPERM "errors": in a message' }] });
    expect(errorsOfBody(body)).toEqual([{ collector: 'acl_users', message: 'NOPERM "errors": in a message' }]);
  });
  it('falls back to the whole body for another key order, and to none without errors', () => {
    expect(errorsOfBody(JSON.stringify({ errors: [{ collector: 'a', message: 'm' }], data: { x: 1 } }))).toEqual([{ collector: 'a', message: 'm' }]);
    expect(errorsOfBody(JSON.stringify({ data: { x: 1 } }))).toEqual([]);
  });
});
