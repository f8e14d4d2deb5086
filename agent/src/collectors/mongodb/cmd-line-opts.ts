import type { AreaContext, AreaResult } from './area';
import { runCommand } from './client';
import { toPlain } from './plain';

/**
 * https://www.mongodb.com/docs/manual/reference/command/getCmdLineOpts/
 * The options mongod/mongos started with. Option values that are or point at secrets (passwords, key files,
 * encryption keys) are replaced by '<redacted>', in `parsed` and in `argv` (`--opt=value` and `--opt value`).
 */
export const getCmdLineOptsCommand = Object.freeze({ getCmdLineOpts: 1 });

const SECRET_OPTION = /pass(word|phrase)?|secret|token|key ?file|keyfile|encryptionkey|kmip|credential/i;
export const REDACTED = '<redacted>';

export async function collectCmdLineOpts(ctx: AreaContext): Promise<AreaResult> {
  const reply = await runCommand(ctx.admin, getCmdLineOptsCommand, ctx.timeoutMs);
  return {
    data: {
      cmd_line_opts: {
        argv: redactArgv(Array.isArray(reply.argv) ? reply.argv.map(String) : []),
        parsed: redactOptions(toPlain(reply.parsed ?? {})),
      },
    },
  };
}

export function redactOptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactOptions);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, SECRET_OPTION.test(key) && (typeof v !== 'object' || v === null) ? REDACTED : redactOptions(v)]),
  );
}

export function redactArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && SECRET_OPTION.test(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=${REDACTED}`);
    } else if (arg.startsWith('-') && eq < 0 && SECRET_OPTION.test(arg) && i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('-')) {
      out.push(arg, REDACTED);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
