import { describe, expect, it } from 'vitest';
import { redactArgv, redactOptions } from '../../src/collectors/mongodb/cmd-line-opts';
import { commandShape } from '../../src/collectors/mongodb/current-op';
import { userRow } from '../../src/collectors/mongodb/users-roles';

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
