import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Secrets in the config are either literal values or references, so the YAML itself can be committed or shared:
 * `env:NAME` reads an environment variable, `file:/path` a file (Docker/Kubernetes secrets; trailing newline removed).
 * Errors name the reference, never a value.
 */
export function resolveSecret(reference: string, env: NodeJS.ProcessEnv, baseDir: string = process.cwd()): string {
  if (reference.startsWith('env:')) {
    const name = reference.slice(4);
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
    return value;
  }
  if (reference.startsWith('file:')) {
    const path = reference.slice(5);
    let value: string;
    try {
      value = readFileSync(resolve(baseDir, path), 'utf8');
    } catch (err) {
      throw new Error(`cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
    }
    return value.replace(/\r?\n$/, '');
  }
  return reference;
}

/** A PEM file's contents, for TLS options. */
export function readPemFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
  }
}
