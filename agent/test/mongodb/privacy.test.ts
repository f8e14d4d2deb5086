import { describe, expect, it } from 'vitest';
import { redactArgv, redactOptions } from '../../src/collectors/mongodb/cmd-line-opts';
import { commandShape } from '../../src/collectors/mongodb/current-op';
import { userRow } from '../../src/collectors/mongodb/users-roles';
import { privilegeChecks } from '../../src/collectors/mongodb/check';

describe('MongoDB collector privacy helpers', () => {
  it('redacts secret-bearing startup options in parsed options and argv', () => {
    expect(redactOptions({ security: { keyFile: '/etc/key', authorization: 'enabled' }, net: { tls: { certificateKeyFilePassword: 'pw', mode: 'requireTLS' } } })).toEqual({
      security: { keyFile: '<redacted>', authorization: 'enabled' },
      net: { tls: { certificateKeyFilePassword: '<redacted>', mode: 'requireTLS' } },
    });
    expect(redactArgv(['mongod', '--keyFile', '/etc/key', '--tlsCertificateKeyFilePassword=pw', '--port', '27017'])).toEqual([
      'mongod', '--keyFile', '<redacted>', '--tlsCertificateKeyFilePassword=<redacted>', '--port', '27017',
    ]);
  });

  it('drops the driver session envelope and every value from a command', () => {
    expect(commandShape({ find: 'c', filter: { email: 'a@b.c' }, lsid: { id: 1 }, $db: 'app', $clusterTime: {} })).toEqual({ find: '?', filter: { email: '?' } });
  });

  it('keeps a user\'s roles and mechanisms but never credentials or custom data', () => {
    // Input shaped as usersInfo documents are (https://www.mongodb.com/docs/manual/reference/command/usersInfo/#output),
    // with credentials present as if showCredentials had been ignored: the row must still not carry them.
    const row = userRow({
      _id: 'admin.app', userId: 'x', user: 'app', db: 'admin',
      roles: [{ role: 'readWrite', db: 'shop' }], mechanisms: ['SCRAM-SHA-256'],
      credentials: { 'SCRAM-SHA-256': { iterationCount: 15000, salt: 'S', storedKey: 'K', serverKey: 'V' } },
      customData: { note: 'n' },
    });
    expect(row).toEqual({ user: 'app', db: 'admin', roles: [{ role: 'readWrite', db: 'shop' }], mechanisms: ['SCRAM-SHA-256'], authenticationRestrictions: [] });
    expect(JSON.stringify(row)).not.toMatch(/storedKey|serverKey|salt|credentials|customData/);
  });
});

describe('MongoDB privilege check', () => {
  // Privilege documents as connectionStatus {showPrivileges: true} lists them (resource + actions); a user with
  // clusterMonitor but without read on local.
  const clusterMonitorOnly = [
    { resource: { cluster: true }, actions: ['connPoolStats', 'getCmdLineOpts', 'getParameter', 'hostInfo', 'inprog', 'listDatabases', 'replSetGetStatus', 'serverStatus', 'top'] },
    { resource: { db: '', collection: '' }, actions: ['collStats', 'dbStats', 'indexStats', 'listCollections', 'listIndexes'] },
    { resource: { db: '', collection: 'system.profile' }, actions: ['find'] },
  ];

  it('passes clusterMonitor and fails read on local with the exact grant', () => {
    const results = privilegeChecks(clusterMonitorOnly, 'logstag_monitor', (c) => c !== 'users');
    expect(results[0]).toMatchObject({ check: 'privilege:clusterMonitor', ok: true });
    expect(results[1]).toEqual({
      check: 'privilege:read@local',
      ok: false,
      detail: 'missing actions: find on local.oplog.rs',
      fix: 'db.getSiblingDB("admin").grantRolesToUser("logstag_monitor", [{ role: "clusterMonitor", db: "admin" }, { role: "read", db: "local" }])',
    });
  });

  it('accepts read on local once granted, and names each missing cluster action', () => {
    const withLocal = [...clusterMonitorOnly, { resource: { db: 'local', collection: '' }, actions: ['find', 'listCollections'] }];
    expect(privilegeChecks(withLocal, 'm', (c) => c !== 'users').every((r) => r.ok)).toBe(true);
    const [cluster] = privilegeChecks([{ resource: { cluster: true }, actions: ['serverStatus'] }], 'm', () => false);
    expect(cluster?.ok).toBe(false);
    expect(cluster?.detail).toContain('replSetGetStatus on the cluster');
    expect(cluster?.detail).toContain('indexStats on every database');
  });
});
