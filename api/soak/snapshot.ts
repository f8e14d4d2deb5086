// A frozen copy of one commit of this repository for the system under test (--server-commit): the soak's API and
// worker then run code nobody edits during the run, even in a checkout shared with other work, and an older commit
// can be soaked for comparison. The npm dependencies are this checkout's, linked in; the workspaces are the commit's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Extracts `commit` into `dest` (created) and links node_modules; returns the resolved commit id. */
export function snapshotCommit(commit: string, dest: string): string {
  const rev = spawnSync('git', ['-C', REPO_ROOT, 'rev-parse', '--verify', `${commit}^{commit}`], { encoding: 'utf8' });
  if (rev.status !== 0) throw new Error(`--server-commit ${commit}: not a commit of ${REPO_ROOT}`);
  const id = rev.stdout.trim();
  mkdirSync(dest, { recursive: true });
  const tar = spawnSync('sh', ['-c', `git -C "$0" archive "$1" | tar -x -C "$2"`, REPO_ROOT, id, dest], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not extract ${id}: ${tar.stderr}`);
  const modules = join(dest, 'node_modules');
  mkdirSync(join(modules, '@logstag'), { recursive: true });
  for (const name of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (name !== '@logstag') symlinkSync(join(REPO_ROOT, 'node_modules', name), join(modules, name));
  }
  // The workspaces resolve to the commit's own sources, each with the dependencies npm installed for it here.
  for (const ws of readdirSync(join(REPO_ROOT, 'node_modules', '@logstag'))) {
    if (!existsSync(join(dest, ws, 'package.json'))) continue;
    symlinkSync(join('..', '..', ws), join(modules, '@logstag', ws));
    const own = join(REPO_ROOT, ws, 'node_modules');
    if (existsSync(own) && !existsSync(join(dest, ws, 'node_modules'))) symlinkSync(own, join(dest, ws, 'node_modules'));
  }
  return id;
}
