// Issue 14's account facts in the Schema Explorer's permissions view (Privileges per user): the notes each user gets
// from what the agent stored, and what the view says when a fact is not readable.
import { describe, expect, it } from 'vitest';
import { accessPerUser, unreadableAccess } from '../src/routes/(app)/schema/access';
import type { SchemaObject } from '../src/lib/api';

const item = (type: string, name: string, definition: Record<string, unknown> = {}): SchemaObject => ({ type, name, definition, stats: null });

describe('account facts per user', () => {
  it('MariaDB/MySQL: no password, has a password, not readable; WITH GRANT OPTION globally or on a database', () => {
    const users = accessPerUser('mysql', [
      item('user', 'open@localhost', { hasPassword: false, grantOption: false, globalPrivileges: [] }),
      item('user', 'app@%', { hasPassword: true, grantOption: false, globalPrivileges: [] }),
      item('privilege', 'app@% on shop.*', { level: 'database', privileges: ['SELECT', 'GRANT'] }),
      item('user', 'dba@%', { hasPassword: true, grantOption: true, globalPrivileges: ['GRANT OPTION', 'SELECT'] }),
      item('user', 'mysql8@%', { hasPassword: null, grantOption: false, globalPrivileges: [] }),
    ]);
    const notes = new Map(users.map((u) => [u.name, u.notes]));
    expect(notes.get('open@localhost')).toEqual(['no password']);
    expect(notes.get('app@%')).toEqual(['has a password', 'WITH GRANT OPTION']);
    expect(notes.get('dba@%')).toEqual(['has a password', 'WITH GRANT OPTION']);
    expect(notes.get('mysql8@%')).toEqual(['password: not readable']);
  });

  it('PostgreSQL: the password’s encryption when pg_authid was readable, "not readable" otherwise', () => {
    const users = accessPerUser('postgresql', [
      item('role', 'legacy', { rolcanlogin: true, password_readable: true, password_set: true, password_encryption: 'md5' }),
      item('role', 'app', { rolcanlogin: true, password_readable: true, password_set: true, password_encryption: 'scram-sha-256' }),
      item('role', 'peer', { rolcanlogin: true, password_readable: true, password_set: false, password_encryption: null }),
      item('role', 'unknown', { rolcanlogin: true, password_readable: false, password_set: null, password_encryption: null }),
    ]);
    const notes = new Map(users.map((u) => [u.name, u.notes]));
    expect(notes.get('legacy')).toEqual(['password: md5']);
    expect(notes.get('app')).toEqual(['password: scram-sha-256']);
    expect(notes.get('peer')).toEqual(['no password']);
    expect(notes.get('unknown')).toEqual(['password encryption: not readable (pg_authid needs superuser)']);
  });

  it('Redis: nopass users are marked; a refused ACL LIST is said, with its reason', () => {
    const [u] = accessPerUser('redis', [item('user', 'cache', { enabled: true, noPassword: true, commands: ['+get'] })]);
    expect(u?.notes).toContain('no password (nopass)');
    const items = [item('setting', 'requirepass', { set: false }), item('unreadable', 'ACL users', { reason: 'ACL LIST was not collected: refused to the monitoring user (NOPERM)' })];
    expect(accessPerUser('redis', items)).toEqual([]);
    expect(unreadableAccess(items)).toEqual([{ name: 'ACL users', reason: 'ACL LIST was not collected: refused to the monitoring user (NOPERM)' }]);
  });
});
