/** Action.Execute verbs of the setup journey's cards. */
export const SETUP_VERBS = {
  submitStep: 'setup.submitStep',
  back: 'setup.back',
  edit: 'setup.edit',
  rerunPreflight: 'setup.preflight',
  preview: 'setup.preview',
  submit: 'setup.submit',
  cancel: 'setup.cancel',
  resume: 'setup.resume',
  start: 'setup.start',
} as const;
