// The escalation steps of a policy: pure, types only, so the alert workflow's bundle takes it without zod
// (@logstag/schema/workflow); the simulator and the preview use the same function.
import type { EscalationTier } from './alerts';

export interface EscalationStep {
  offsetMs: number;
  tier: number;
  round: number;
}

/** The escalation's sends: empty tiers add no wait, the policy runs `repeat` more times after its last tier. */
export function escalationSteps(policy: { tiers: readonly EscalationTier[]; repeat: number } | null): EscalationStep[] {
  if (!policy) return [];
  const steps: EscalationStep[] = [];
  let offset = 0;
  for (let round = 0; round <= policy.repeat; round++) {
    policy.tiers.forEach((tier, i) => {
      if (tier.recipients.length === 0) return;
      steps.push({ offsetMs: offset, tier: i, round });
      offset += tier.delaySeconds * 1000;
    });
  }
  return steps;
}
