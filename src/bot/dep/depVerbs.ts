/** Action.Execute verbs of the Data Encryption Policy journey's cards. */
export const DEP_VERBS = {
  submitScope: 'dep.scope',
  onboardingOutput: 'dep.onboarding',
  onboardingRecheck: 'dep.onboarding.recheck',
  onboardingConfirm: 'dep.onboarding.confirm',
  submitDetails: 'dep.details',
  ranIt: 'dep.ran',
  evidence: 'dep.evidence',
  newLink: 'dep.link',
  keyward: 'dep.keyward',
  withdraw: 'dep.withdraw',
  back: 'dep.back',
  cancel: 'dep.cancel',
  resume: 'dep.resume',
  start: 'dep.start',
} as const;
