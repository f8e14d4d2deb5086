import { CATEGORIES, ENGINES } from '@logstag/schema';
import { z } from 'zod';

/**
 * The shape of `logstag-agent.yaml` as written by a user (snake_case keys, secrets still as references). Objects are
 * strict so a misspelt key (`pasword:`) is an error instead of a silently ignored setting.
 */

const seconds = z.number().int().min(1).max(7 * 24 * 3600);

const intervalsSchema = z.strictObject(Object.fromEntries(CATEGORIES.map((c) => [c, seconds.optional()])) as Record<
  (typeof CATEGORIES)[number],
  z.ZodOptional<typeof seconds>
>);

const nameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{N}._:@/ -]+$/u, 'letters, digits, space and . _ : @ / - only');

/** A literal, `env:NAME` or `file:/path`; resolved after validation. */
const secretReference = z.string().min(1);

const tlsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  ca_file: z.string().min(1).optional(),
  cert_file: z.string().min(1).optional(),
  key_file: z.string().min(1).optional(),
  reject_unauthorized: z.boolean().default(true),
});

/** YAML reads `env: 1` or `db: 0` as numbers; tags and Redis db indexes are strings to the agent. */
const stringish = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const targetFileSchema = z
  .strictObject({
    name: nameSchema,
    engine: z.enum(ENGINES),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    socket: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    password: secretReference.optional(),
    database: stringish.optional(),
    tls: tlsSchema.optional(),
    databases: z
      .strictObject({ include: z.array(z.string()).default([]), exclude: z.array(z.string()).default([]) })
      .default({ include: [], exclude: [] }),
    tags: z.record(z.string(), stringish).default({}),
    intervals: intervalsSchema.default({}),
    disable: z.array(z.string().min(1)).default([]),
    query_text: z.enum(['obfuscated', 'full', 'off']).default('obfuscated'),
    query_text_max_length: z.number().int().min(16).max(1_000_000).default(4096),
    statement_timeout_ms: z.number().int().min(100).max(600_000).default(5000),
  })
  .refine((t) => t.host !== undefined || t.socket !== undefined, { message: 'expected host or socket', path: ['host'] });

export const configFileSchema = z.strictObject({
  server: z
    .strictObject({
      url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
      api_key: secretReference,
    })
    .optional(),
  agent_id: nameSchema.optional(),
  spool: z
    .strictObject({
      dir: z.string().min(1).optional(),
      max_bytes: z.number().int().min(1024).default(256 * 1024 * 1024),
      max_age_hours: z.number().positive().default(72),
    })
    .default({ max_bytes: 256 * 1024 * 1024, max_age_hours: 72 }),
  intervals: intervalsSchema.default({}),
  /** Extra paths whose disk usage goes into the heartbeat (database data directories visible to the agent). */
  data_paths: z.array(z.string().min(1)).default([]),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  targets: z.array(targetFileSchema).min(1, 'expected at least one target'),
});

export type ConfigFile = z.output<typeof configFileSchema>;
export type TargetFile = z.output<typeof targetFileSchema>;
