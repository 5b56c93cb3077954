/** Action.Execute verbs of the teardown journey's cards. */
export const TEARDOWN_VERBS = {
  choose: 'teardown.choose',
  confirm: 'teardown.confirm',
  recheck: 'teardown.preflight',
  cancelCoolingOff: 'teardown.stop',
  checkAgain: 'teardown.checkAgain',
  back: 'teardown.back',
  cancel: 'teardown.cancel',
  resume: 'teardown.resume',
  start: 'teardown.start',
  view: 'teardown.view',
} as const;
