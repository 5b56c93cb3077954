/** Action.Execute verbs of the key-roll journey's cards and the rotation reminder card. */
export const ROLL_VERBS = {
  choose: 'roll.choose',
  submit: 'roll.submit',
  schedule: 'roll.schedule',
  evidence: 'roll.evidence',
  newLinks: 'roll.links',
  back: 'roll.back',
  cancel: 'roll.cancel',
  resume: 'roll.resume',
  start: 'roll.start',
} as const;
