// Reads schemathesis' text report: what it found, and what only broke its own case generation.

/**
 * Schemathesis' findings (failed checks, and errors such as a dropped connection), apart from the errors in its own
 * case generation: Hypothesis' FlakyFailure while building coverage cases for a large body schema (the ingest payload)
 * says nothing about the server, and the same operation is still fuzzed in the fuzzing phase.
 */
export function verdictOf(output: string): { findings: string[]; toolErrors: string[] } {
  // The report's sections: `==== FAILURES ====`, `==== ERRORS ====`, ..., each holding `____ OPERATION ____` blocks.
  const parts = output.split(/^=+ ([A-Z]+) =+$/m);
  const blocksOf = (name: string) => {
    const i = parts.indexOf(name);
    if (i < 0) return [];
    return (parts[i + 1] ?? '').split(/^_{3,} /m).slice(1).map((block) => ({ operation: block.split(' _')[0] ?? '', block }));
  };
  const failures = blocksOf('FAILURES').map((f) => `${f.operation}: ${[...f.block.matchAll(/^- (ST\d+ .+)$/gm)].map((m) => m[1]).join('; ') || 'failure'}`);
  const errors = blocksOf('ERRORS');
  const isToolError = (block: string) => /^Runtime Error$/m.test(block) && block.includes('hypothesis.errors.FlakyFailure');
  const toolErrors = errors.filter((e) => isToolError(e.block)).map((e) => e.operation);
  const otherErrors = errors.filter((e) => !isToolError(e.block)).map((e) => `${e.operation}: ${e.block.split('\n')[1] ?? 'error'}`);
  return { findings: [...failures, ...otherErrors], toolErrors };
}
