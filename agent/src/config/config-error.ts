/**
 * Everything wrong with a config file at once, each problem already formatted as
 * `file:line:column path: expected …`, so a user fixes them in one pass instead of one per start-up.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems in the config:\n${problems.join('\n')}`);
  }
}
