/**
 * Passes a DEP journey's onboarding step (issue 11 item 8) the way an operator would, when the
 * card shows it: pastes the Get-CustomerKeyOnboardingRequest output of a finished request. A
 * workload already onboarded skips the step, so the card is returned as it is.
 */
export async function throughOnboarding<C extends { text: string; card?: unknown }>(
  shown: C,
  click: (verb: string, data: Record<string, unknown>) => Promise<C>,
  address: (card: NonNullable<C['card']>) => Record<string, unknown>,
  scenario: string,
): Promise<C & { onboarded: boolean }> {
  if (!/Onboard the workload for Customer Key/.test(shown.text) || !shown.card) return { ...shown, onboarded: false };
  const output = [
    'ID                : 3c1e6a52-90f4-4b1e-8d0e-7a4f2b9c1d11',
    `Scenario          : ${scenario}`,
    'ValidationResult  : Success',
    'EnablementResult  : Success',
    'FailedValidations : {}',
  ].join('\n');
  const next = await click('dep.onboarding', { ...address(shown.card as NonNullable<C['card']>), onboardingScenario: scenario, onboardingOutput: output });
  return { ...next, onboarded: true };
}
