import { readFileSync } from 'node:fs';

/*
 * The shipped agent/setup files for MySQL/MariaDB and Redis, as a test runs them: the user renamed and the password
 * set, so the tests prove the documented setup is all the agent needs. (PostgreSQL's is in postgresql-fixture.ts.)
 */

/** agent/setup/mysql.sql's statements for `user` and `password`; comments dropped. */
export function mysqlSetupStatements(user: string, password: string): string[] {
  const text = readFileSync(new URL('../setup/mysql.sql', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n')
    .replaceAll("'logstag_monitor'", `'${user}'`)
    .replaceAll("'change-me'", `'${password}'`);
  return text
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter(Boolean);
}

/**
 * agent/setup/redis-acl.txt's commands for `user` and `password`, each as its words; on a Redis before 7, with the
 * file's documented key rule for 6.2 (`~*` for `%R~*`).
 */
export function redisSetupCommands(user: string, password: string, serverMajor = 7): string[][] {
  return readFileSync(new URL('../setup/redis-acl.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.replaceAll('logstag_monitor', user).replace('>change-me', `>${password}`))
    .map((l) => (serverMajor < 7 ? l.replace('%R~*', '~*') : l).trim().split(/\s+/));
}
